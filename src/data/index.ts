// The data pipeline: pure functions shared by the Node trainer and the browser viewer.

export * from './rng.ts';
export * from './errors.ts';
export * from './series.ts';
export * from './dates.ts';
export * from './fill.ts';
export * from './csv-table.ts';
export * from './csv.ts';
export * from './windows.ts';
export * from './split.ts';
export * from './folds.ts';
export * from './batches.ts';
export * from './normalize.ts';
