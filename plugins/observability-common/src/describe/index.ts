export * from './describeEntity';
