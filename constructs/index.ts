export * from './core';
export * from './namespace';
export * from './scheduling';
export * from './policy';
export * from './config';
export * from './networking';
export * from './workloads';
export * from './validation';
