export * from './capacity';
export * from './cost';
export * from './diff';
export * from './check';
export * from './diagram';
