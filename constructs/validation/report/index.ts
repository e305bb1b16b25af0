export * from './manifests';
export * from './rules';
export * from './capacity';
export * from './check';
export * from './diagram';
