/**
 * Pure, isomorphic core of Redline: spec parsing, generators, checks and the
 * rule linter. No I/O, no Backstage frontend or backend APIs.
 *
 * @packageDocumentation
 */
export * from './spec';
export * from './generate';
export * from './describe';
export * from './check';
export * from './facts';
export * from './types';
export * from './permissions';
export * from './lint';
export * from './slo';
export * from './apply';
export * from './backtest';
export * from './openslo';
