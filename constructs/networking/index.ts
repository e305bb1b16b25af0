export * from './network-intent';
