export * from './types';
export * from './config';
export * from './annotations';
export * from './labelMatchers';
export * from './annotationSchemas';
export * from './parseSpec';
export * from './redTargets';
