/**
 * The demo service used by `npm run demo:stack` and the live alerting test.
 *
 * @packageDocumentation
 */
export { createDemoService } from './service';
export type { DemoService, DemoServiceOptions } from './service';
export { FaultInjector, parseFaultUpdate, MAX_LATENCY_MS } from './faults';
export type { FaultSettings, FaultParseResult } from './faults';
export { createRedMetrics } from './metrics';
export type { RedMetrics } from './metrics';
export { createTracing, hasRemoteParent } from './tracing';
export type { DemoTracing } from './tracing';
export { CORRELATION_HEADER, resolveCorrelationId } from './correlation';
export { matchRoute } from './routes';
export type { EndpointTemplate, RouteMatch } from './routes';
export { startTrafficGenerator } from './traffic';
export type { TrafficGenerator, TrafficOptions } from './traffic';
export { readDemoServiceEnv } from './env';
export type { DemoServiceEnv } from './env';
