/** The load-test library other tools build on (the drill harness runs scenarios and renders these reports). */
export * from './artillery/result';
export * from './artillery/run';
export type * from './artillery/script';
export * from './report/charts';
export * from './report/markdown';
export * from './report/series';
