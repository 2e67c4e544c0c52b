export * from './apiTypes';
export * from './alertGrouping';
export * from './sources';
export * from './selectorMatch';
export * from './FactCycle';
export * from './entityView';
export * from './labelSetQueries';
