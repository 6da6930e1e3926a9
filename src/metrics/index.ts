// Forecast accuracy and the baselines it is judged against: pure functions shared by the Node trainer and the viewer.

export * from './accuracy.ts';
export * from './baselines.ts';
export * from './evaluate.ts';
