export * from './lineDiff';
export * from './types';
