export * from './api';
export * from './fields';
export * from './metrics';
export * from './slo';
export * from './tracing';
export * from './web';
