import { FaultInjector, parseFaultUpdate } from './faults';

describe('parseFaultUpdate', () => {
  it('accepts partial updates', () => {
    expect(parseFaultUpdate({ errorRate: 1 })).toEqual({
      ok: true,
      value: { errorRate: 1 },
    });
    expect(parseFaultUpdate({ latencyMs: 250, errorRate: 0 })).toEqual({
      ok: true,
      value: { latencyMs: 250, errorRate: 0 },
    });
    expect(parseFaultUpdate({})).toEqual({ ok: true, value: {} });
  });

  it.each([
    [null, 'body'],
    ['x', 'body'],
    [{ errorRate: -0.1 }, 'errorRate'],
    [{ errorRate: NaN }, 'errorRate'],
    [{ latencyMs: 1.5 }, 'latencyMs'],
    [{ latencyMs: 10_000_000 }, 'latencyMs'],
    [{ latency: 5 }, 'latency'],
  ])('rejects %p naming %s', (input, field) => {
    const result = parseFaultUpdate(input);
    expect(result).toMatchObject({ ok: false, field });
  });
});

describe('FaultInjector', () => {
  it('never fails at 0 and always fails at 1, whatever the random source says', () => {
    const injector = new FaultInjector({}, () => 0);
    expect(injector.shouldFail()).toBe(false);
    injector.update({ errorRate: 1 });
    const high = new FaultInjector({ errorRate: 1 }, () => 0.999999);
    expect(high.shouldFail()).toBe(true);
  });

  it('fails roughly at the configured rate with a real random source', () => {
    const injector = new FaultInjector({ errorRate: 0.3 });
    let failures = 0;
    for (let i = 0; i < 10_000; i++) if (injector.shouldFail()) failures++;
    expect(failures / 10_000).toBeGreaterThan(0.25);
    expect(failures / 10_000).toBeLessThan(0.35);
  });
});
