export * from './config-map';
export * from './secret-ref';
export * from './env';
export * from './volume';
