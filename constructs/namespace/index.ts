export * from './resource-quota';
export * from './limit-range';
export * from './team-namespace';
