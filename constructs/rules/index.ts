export * from './schema';
export * from './manifests';
export * from './rules';
