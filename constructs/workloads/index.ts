export * from './container';
export * from './release';
export * from './workload';
export * from './deployment-workload';
export * from './web-service';
export * from './worker';
