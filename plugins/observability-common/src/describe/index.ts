export * from './describeEntity';
export * from './presence';
