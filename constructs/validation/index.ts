export * from './schema';
export * from './synthesize';
export * from './report';
