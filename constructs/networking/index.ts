export * from './network-intent';
export * from './external-service';
export * from './ip-address';
export * from './ingress-routes';
export * from './cluster-issuer';
