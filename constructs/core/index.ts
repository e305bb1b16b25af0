export * from './errors';
export * from './quantity';
export * from './names';
export * from './metadata';
export * from './resources';
export * from './checks';
export * from './blueprint-chart';
export * from './cluster-facts';
