export * from './schema';
export * from './synthesize';
