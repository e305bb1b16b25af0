export * from './backup-schedule';
