export * from './argo-application';
export * from './sync-annotations';
