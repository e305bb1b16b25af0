export * from './schema';
export * from './manifests';
export * from './manifest-index';
export * from './rule';
export * from './catalogue';
export * from './references';
export * from './synth-context';
