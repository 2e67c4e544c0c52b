export * from './types';
export * from './window';
export * from './queries';
export * from './status';
