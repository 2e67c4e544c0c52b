/**
 * Reads the demo service's settings from environment variables, reporting a
 * bad value by name instead of starting with a surprise.
 */
import { parseFaultUpdate, type FaultSettings } from './faults';

/** Settings for `main`. @public */
export interface DemoServiceEnv {
  port: number;
  host: string;
  serviceName: string;
  baseLatencyMs: number;
  faults: Partial<FaultSettings>;
  /** Requests per second of the built-in traffic generator; 0 = off. */
  trafficRate: number;
  logLevel: string;
}

const LOG_LEVELS = [
  'trace',
  'debug',
  'info',
  'warn',
  'error',
  'fatal',
  'silent',
];

/** Parses env vars; throws an Error naming the variable on bad input. @public */
export function readDemoServiceEnv(
  env: Record<string, string | undefined>,
): DemoServiceEnv {
  const int = (name: string, fallback: number, max: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0 || value > max) {
      throw new Error(
        `${name} must be an integer between 0 and ${max}, got '${raw}'`,
      );
    }
    return value;
  };
  const faultInput: Record<string, number> = {};
  if (env.FAULT_ERROR_RATE) faultInput.errorRate = Number(env.FAULT_ERROR_RATE);
  if (env.FAULT_LATENCY_MS) faultInput.latencyMs = Number(env.FAULT_LATENCY_MS);
  const faults = parseFaultUpdate(faultInput);
  if (!faults.ok) {
    const variable =
      faults.field === 'errorRate' ? 'FAULT_ERROR_RATE' : 'FAULT_LATENCY_MS';
    throw new Error(`${variable}: ${faults.message}`);
  }
  const serviceName = env.SERVICE_NAME || 'checkout';
  if (!/^[a-zA-Z_][a-zA-Z0-9_.:-]{0,62}$/.test(serviceName)) {
    throw new Error(
      `SERVICE_NAME must be a short label value (letters, digits, _ . : -), got '${serviceName}'`,
    );
  }
  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new Error(
      `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got '${logLevel}'`,
    );
  }
  return {
    port: int('PORT', 8080, 65535),
    host: env.HOST || '127.0.0.1',
    serviceName,
    baseLatencyMs: int('BASE_LATENCY_MS', 25, 10_000),
    faults: faults.value,
    trafficRate: int('TRAFFIC_RPS', 0, 1000),
    logLevel,
  };
}
