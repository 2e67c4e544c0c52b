export * from './types';
export * from './config';
export * from './names';
export * from './url';
export * from './hostPolicy';
export * from './annotations';
export * from './labelMatchers';
export * from './annotationSchemas';
export * from './parseSpec';
export {
  bucketsFromLeValues,
  latencyBucketFinding,
  latencySloBucket,
  observedBucketsMatter,
} from './latencyBucket';
export type { BucketSource, LatencySloBucket } from './latencyBucket';
export * from './redTargets';
export {
  DEFAULT_SERVING_COMPONENT_TYPES,
  entityRole,
  type EntityRole,
} from './servesRequests';
