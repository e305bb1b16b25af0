export * from './capacity';
export * from './check';
export * from './diagram';
