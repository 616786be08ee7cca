export * from './api';
export * from './fields';
export * from './metrics';
export * from './slo';
export * from './web';
