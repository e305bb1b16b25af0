// Repository-internal barrel (tests, stacks, cli): the package exports only what ../index.ts names.
export * from './prometheus-sizing';
export * from './monitoring';
export * from './descheduler';
export * from './cluster-platform';
export * from './scenarios/helloworld-db';
export * from './scenarios/reverse-proxy';
export * from './scenarios/cassandra';
export * from './scenarios/hpa-example';
export * from './scenarios/external-database';
export * from './scenarios/random-generator';
