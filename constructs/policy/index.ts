export * from './pod-disruption-budget';
export * from './priority-class';
export * from './autoscaling';
export * from './vertical-autoscaler';
export * from './service-account';
