export * from './metrics-monitor';
