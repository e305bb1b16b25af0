export * from './schema';
export * from './manifests';
export * from './manifest-index';
export * from './rule';
export * from './catalogue';
export * from './references';
export { ENVIRONMENT_LABEL } from './day2';
export * from './synth-context';
