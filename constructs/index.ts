export * from './core';
export * from './namespace';
export * from './validation';
