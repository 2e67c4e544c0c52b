import { OutboundError, RetryPolicy, seedBackoff, seedRetry } from './retry';

const policy: RetryPolicy = {
  attempts: 3,
  initialDelayMs: 1000,
  maxDelayMs: 8000,
};

/** The first `count` delays of the seed backoff for `p`. */
function backoffDelays(p: RetryPolicy, count: number): number[] {
  const delays: number[] = [];
  let backoff = seedBackoff(p).next();
  for (let i = 0; i < count; i++) {
    delays.push(backoff.duration);
    backoff = backoff.next(undefined);
  }
  return delays;
}

/** Asserts each delay lies in the equal-jitter window [base/2, base). */
function expectWithinJitter(delays: number[], bases: number[]) {
  expect(delays).toHaveLength(bases.length);
  delays.forEach((delay, i) => {
    expect(delay).toBeGreaterThanOrEqual(bases[i] / 2);
    expect(delay).toBeLessThan(bases[i]);
  });
}

/**
 * Runs `fn` through the seed retry on fake time, returning what cockatiel
 * reported for each backoff, when each attempt started and the outcome.
 */
async function runRetry<T>(
  p: RetryPolicy,
  fn: (attempt: number) => T,
): Promise<{
  delays: number[];
  startedAt: number[];
  outcome: { value: T } | { error: any };
}> {
  const retry = seedRetry(p);
  const delays: number[] = [];
  retry.onRetry(event => delays.push(event.delay));
  const startedAt: number[] = [];
  const run = retry
    .execute(({ attempt }) => {
      startedAt.push(Date.now());
      return fn(attempt + 1);
    })
    .then(
      value => ({ value }),
      error => ({ error }),
    );
  await jest.runAllTimersAsync();
  return { delays, startedAt, outcome: await run };
}

describe('seedBackoff', () => {
  afterEach(() => jest.restoreAllMocks());

  it('doubles from 1 s and caps at 8 s, with jitter in [base/2, base)', () => {
    const random = jest.spyOn(Math, 'random');
    random.mockReturnValue(0);
    expect(backoffDelays(policy, 6)).toEqual([
      500, 1000, 2000, 4000, 4000, 4000,
    ]);
    random.mockReturnValue(0.999999);
    expect(backoffDelays(policy, 6)).toEqual([
      999, 1999, 3999, 7999, 7999, 7999,
    ]);
    random.mockRestore();
    for (let run = 0; run < 50; run++) {
      expectWithinJitter(
        backoffDelays(policy, 6),
        [1000, 2000, 4000, 8000, 8000, 8000],
      );
    }
  });
});

describe('seedRetry', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('makes 3 attempts in total on timeouts, connection errors and 5xx, waiting the reported backoff in between', async () => {
    const kinds = ['timeout', 'connection', 'server'] as const;
    const { delays, startedAt, outcome } = await runRetry(policy, attempt => {
      throw new OutboundError('boom', {
        kind: kinds[attempt - 1],
        attempts: attempt,
      });
    });
    expect(startedAt).toHaveLength(3);
    expectWithinJitter(delays, [1000, 2000]);
    expect([startedAt[1] - startedAt[0], startedAt[2] - startedAt[1]]).toEqual(
      delays,
    );
    expect(outcome).toEqual({ error: expect.any(OutboundError) });
    expect((outcome as { error: OutboundError }).error).toMatchObject({
      kind: 'server',
      attempts: 3,
    });
  });

  it('keeps doubling up to the 8 s cap when more attempts are configured', async () => {
    const { delays, startedAt } = await runRetry(
      { ...policy, attempts: 6 },
      () => {
        throw new OutboundError('down', { kind: 'server', status: 503 });
      },
    );
    expect(startedAt).toHaveLength(6);
    expectWithinJitter(delays, [1000, 2000, 4000, 8000, 8000]);
  });

  it('retries a 429 and returns the first success', async () => {
    const { delays, startedAt, outcome } = await runRetry(policy, attempt => {
      if (attempt < 3)
        throw new OutboundError('slow down', { kind: 'client', status: 429 });
      return 'ok';
    });
    expect(outcome).toEqual({ value: 'ok' });
    expect(startedAt).toHaveLength(3);
    expect(delays).toHaveLength(2);
  });

  it.each([
    ['a 404', new OutboundError('gone', { kind: 'client', status: 404 })],
    ['a cancellation', new OutboundError('stop', { kind: 'cancelled' })],
    ['an error that is no OutboundError', new TypeError('Invalid URL')],
  ])('does not retry %s', async (_name, thrown) => {
    const { delays, startedAt, outcome } = await runRetry(policy, () => {
      throw thrown;
    });
    expect(startedAt).toHaveLength(1);
    expect(delays).toEqual([]);
    expect(outcome).toEqual({ error: thrown });
  });
});
