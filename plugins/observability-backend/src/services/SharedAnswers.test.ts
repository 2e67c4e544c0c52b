import { mockServices } from '@backstage/backend-test-utils';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import type { RequestContext } from '../telemetry/context';
import { SharedAnswers } from './SharedAnswers';

const ctx: RequestContext = {
  correlationId: 'test',
  logger: mockServices.logger.mock(),
  trace: ROOT_CONTEXT,
};

/** A load whose calls are counted and settled by the test, one at a time. */
function controlledLoad() {
  const calls: Array<{
    resolve: (value: string) => void;
    reject: (error: Error) => void;
  }> = [];
  const load = () =>
    new Promise<string>((resolve, reject) => calls.push({ resolve, reject }));
  return { calls, load };
}

const settle = () => new Promise(resolve => setImmediate(resolve));

describe('SharedAnswers', () => {
  let now: number;
  const answers = (staleMs?: number) =>
    new SharedAnswers<string>({
      ttlMs: 1000,
      staleMs,
      now: () => now,
      target: 'test',
    });

  /** Answers that keep `value` from a first call, made at `now` = 0. */
  async function keeping(value: string, staleMs?: number) {
    const shared = answers(staleMs);
    const { calls, load } = controlledLoad();
    const first = shared.get('k', ctx, load);
    calls[0].resolve(value);
    await first;
    return { shared, calls, load };
  }

  beforeEach(() => {
    now = 0;
  });

  it('shares one call among concurrent callers and keeps the answer for the TTL', async () => {
    const shared = answers();
    const { calls, load } = controlledLoad();
    const first = shared.get('k', ctx, load);
    const second = shared.get('k', ctx, load);
    calls[0].resolve('v1');
    await expect(Promise.all([first, second])).resolves.toEqual(['v1', 'v1']);
    now = 999;
    await expect(shared.get('k', ctx, load)).resolves.toBe('v1');
    expect(calls).toHaveLength(1);
  });

  it('without staleMs, a caller after the TTL waits for a new call', async () => {
    const { shared, calls, load } = await keeping('v1');
    now = 1000;
    const after = shared.get('k', ctx, load);
    await settle();
    expect(calls).toHaveLength(2);
    calls[1].resolve('v2');
    await expect(after).resolves.toBe('v2');
  });

  it('with staleMs, a stale answer is handed out at once while one call fetches the next', async () => {
    const { shared, calls, load } = await keeping('v1', 1000);

    now = 1500;
    await expect(shared.get('k', ctx, load)).resolves.toBe('v1');
    await expect(shared.get('k', ctx, load)).resolves.toBe('v1');
    expect(calls).toHaveLength(2);

    calls[1].resolve('v2');
    await settle();
    // The successor is kept from when it arrived.
    now = 2400;
    await expect(shared.get('k', ctx, load)).resolves.toBe('v2');
    expect(calls).toHaveLength(2);
  });

  it('a failed refresh keeps the stale answer, and the next caller tries again', async () => {
    const { shared, calls, load } = await keeping('v1', 1000);

    now = 1200;
    await expect(shared.get('k', ctx, load)).resolves.toBe('v1');
    calls[1].reject(new Error('prometheus down'));
    await settle();
    await expect(shared.get('k', ctx, load)).resolves.toBe('v1');
    expect(calls).toHaveLength(3);
  });

  it('an answer older than TTL + staleMs is not handed out: the caller waits', async () => {
    const { shared, calls, load } = await keeping('v1', 1000);

    now = 2000;
    const late = shared.get('k', ctx, load);
    await settle();
    expect(calls).toHaveLength(2);
    calls[1].resolve('v2');
    await expect(late).resolves.toBe('v2');
  });

  it('clear() drops a stale answer too, so the next caller waits for a fresh one', async () => {
    const { shared, calls, load } = await keeping('v1', 1000);

    now = 1500;
    shared.clear();
    const after = shared.get('k', ctx, load);
    await settle();
    calls[1].resolve('v2');
    await expect(after).resolves.toBe('v2');
  });

  it('a refresh that lands after clear() does not bring back the old answer', async () => {
    const { shared, calls, load } = await keeping('v1', 1000);

    now = 1500;
    await expect(shared.get('k', ctx, load)).resolves.toBe('v1');
    shared.clear();
    calls[1].resolve('from before the clear');
    await settle();
    const after = shared.get('k', ctx, load);
    await settle();
    expect(calls).toHaveLength(3);
    calls[2].resolve('v3');
    await expect(after).resolves.toBe('v3');
  });
});
