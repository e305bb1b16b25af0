export * from './storage-class';
export * from './persistent-volume-claim';
