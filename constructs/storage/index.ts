export * from './storage-class';
