export * from './api';
export * from './metrics';
export * from './slo';
export * from './web';
