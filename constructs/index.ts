// Repository-internal barrel (tests, stacks, cli): the package exports only what ../index.ts names.
export * from './core';
export * from './namespace';
export * from './scheduling';
export * from './policy';
export * from './config';
export * from './secrets';
export * from './storage';
export * from './backup';
export * from './gitops';
export * from './networking';
export * from './monitoring';
export * from './workloads';
export * from './render';
export * from './rules';
export * from './reports';
