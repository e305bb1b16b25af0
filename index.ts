// The public API of cluster-blueprints: what other projects import.
export * from './constructs';
export * from './blueprints';
