export * from './types';
export * from './episodes';
export * from './inlineRecordedSeries';
export * from './plan';
export * from './runBacktest';
export * from './thresholdOverrides';
