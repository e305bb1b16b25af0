export * from './node-labels';
export * from './placement';
