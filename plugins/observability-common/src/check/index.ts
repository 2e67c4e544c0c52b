export * from './types';
export * from './evaluateChecks';
export * from './metadataChecks';
export * from './routingCheck';
export * from './liveChecks';
export * from './deployedRules';
export * from './fixSnippets';
