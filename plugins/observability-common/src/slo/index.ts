export * from './types';
export * from './window';
export * from './queries';
export * from './status';
export * from './evaluate';
export * from './budgetGate';
export * from './attainment';
