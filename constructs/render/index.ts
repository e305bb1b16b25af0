export * from './render-app';
export * from './synthesize';
export * from './yaml-emitter';
export * from './requirements';
