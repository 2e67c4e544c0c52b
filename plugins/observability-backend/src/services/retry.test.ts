import { OutboundError, backoffDelay, withRetry } from './retry';

const policy = { attempts: 3, initialDelayMs: 1000, maxDelayMs: 8000 };

describe('backoffDelay', () => {
  it('doubles from 1 s and caps at 8 s, with jitter in [base/2, base]', () => {
    const bases = [1, 2, 3, 4, 5, 6].map(attempt =>
      backoffDelay(attempt, policy, () => 1),
    );
    expect(bases).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    const lows = [1, 2, 3, 4].map(attempt =>
      backoffDelay(attempt, policy, () => 0),
    );
    expect(lows).toEqual([500, 1000, 2000, 4000]);
    expect(backoffDelay(2, policy, () => 0.5)).toBe(1500);
  });
});

describe('withRetry', () => {
  it('retries timeouts, connection errors and 5xx up to the attempt limit, waiting the backoff', async () => {
    const sleeps: number[] = [];
    const kinds = ['timeout', 'connection', 'server'] as const;
    let calls = 0;
    const error = await withRetry(
      async () => {
        throw new OutboundError('boom', { kind: kinds[calls++ % 3] });
      },
      { policy, sleep: async ms => void sleeps.push(ms), random: () => 1 },
    ).catch(e => e);
    expect(calls).toBe(3);
    expect(sleeps).toEqual([1000, 2000]);
    expect(error).toBeInstanceOf(OutboundError);
    expect(error.attempts).toBe(3);
    expect(error.kind).toBe('server');
  });

  it('does not retry a client error (4xx) or an unclassified one', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const error = await withRetry(
      async () => {
        calls++;
        throw new OutboundError('bad request', { kind: 'client', status: 400 });
      },
      { policy, sleep: async ms => void sleeps.push(ms) },
    ).catch(e => e);
    expect(calls).toBe(1);
    expect(sleeps).toEqual([]);
    expect(error.attempts).toBe(1);
    expect(error.status).toBe(400);

    calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new Error('programming error');
        },
        { policy, sleep: async () => {} },
      ),
    ).rejects.toThrow('programming error');
    expect(calls).toBe(1);
  });

  it('returns the first success and reports each retry', async () => {
    const retries: Array<{ attempt: number; delayMs: number }> = [];
    let calls = 0;
    const value = await withRetry(
      async attempt => {
        calls++;
        if (attempt < 3)
          throw new OutboundError('flaky', { kind: 'server', status: 503 });
        return 'ok';
      },
      {
        policy,
        sleep: async () => {},
        random: () => 0,
        onRetry: ({ attempt, delayMs }) => retries.push({ attempt, delayMs }),
      },
    );
    expect(value).toBe('ok');
    expect(calls).toBe(3);
    expect(retries).toEqual([
      { attempt: 1, delayMs: 500 },
      { attempt: 2, delayMs: 1000 },
    ]);
  });
});
