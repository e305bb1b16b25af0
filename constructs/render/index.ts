export * from './render-app';
export * from './synthesize';
