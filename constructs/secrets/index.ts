export * from './secret-backend';
export * from './secret-declaration';
export * from './cluster-secret-store';
