import { readDemoServiceEnv } from './env';

describe('readDemoServiceEnv', () => {
  it('defaults to a checkout service on loopback', () => {
    expect(readDemoServiceEnv({})).toEqual({
      port: 8080,
      host: '127.0.0.1',
      serviceName: 'checkout',
      baseLatencyMs: 25,
      faults: {},
      trafficRate: 0,
      logLevel: 'info',
    });
  });

  it('reads faults and traffic', () => {
    const env = readDemoServiceEnv({
      FAULT_ERROR_RATE: '1',
      FAULT_LATENCY_MS: '300',
      TRAFFIC_RPS: '20',
      PORT: '0',
    });
    expect(env.faults).toEqual({ errorRate: 1, latencyMs: 300 });
    expect(env.trafficRate).toBe(20);
    expect(env.port).toBe(0);
  });

  it.each([
    [{ FAULT_ERROR_RATE: '2' }, /FAULT_ERROR_RATE/],
    [{ FAULT_LATENCY_MS: 'slow' }, /FAULT_LATENCY_MS/],
    [{ PORT: '70000' }, /PORT/],
    [{ SERVICE_NAME: 'a"b' }, /SERVICE_NAME/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
  ])('names the bad variable in %p', (env, pattern) => {
    expect(() => readDemoServiceEnv(env)).toThrow(pattern);
  });
});
