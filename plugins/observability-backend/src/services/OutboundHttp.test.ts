import { mockServices } from '@backstage/backend-test-utils';
import { FakeServer } from '../__testUtils__/fakeServer';
import { RequestContext, backgroundContext } from '../telemetry/context';
import {
  OutboundHttp,
  OutboundHttpOptions,
  OutboundRetryEvent,
} from './OutboundHttp';
import { OutboundError } from './retry';
import { stopwatch } from '../__testUtils__/stopwatch';

function context(signal?: AbortSignal): RequestContext {
  return backgroundContext(
    mockServices.logger.mock(),
    { test: 'outbound' },
    signal,
  );
}

function setup(options: Partial<OutboundHttpOptions> = {}) {
  const retries: OutboundRetryEvent[] = [];
  const http = OutboundHttp.create({
    // The seed's shape (3 attempts, doubling, capped at 8x) at 1/50 scale.
    retry: { attempts: 3, initialDelayMs: 20, maxDelayMs: 160 },
    timeoutMs: 1000,
    onRetry: event => retries.push(event),
    ...options,
  });
  return { http, retries };
}

function fail(promise: Promise<unknown>): Promise<OutboundError> {
  return promise.then(
    value => {
      throw new Error(`expected a failure, got ${JSON.stringify(value)}`);
    },
    error => error,
  );
}

function expectWithinJitter(delays: number[], bases: number[]) {
  expect(delays).toHaveLength(bases.length);
  delays.forEach((delay, i) => {
    expect(delay).toBeGreaterThanOrEqual(bases[i] / 2);
    expect(delay).toBeLessThan(bases[i]);
  });
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe('OutboundHttp', () => {
  let server: FakeServer;
  beforeEach(async () => {
    server = await FakeServer.start();
  });
  afterEach(async () => {
    await server.stop();
  });

  describe('retry', () => {
    it('gives up on a 503 after 3 attempts, waiting each backoff cockatiel reports', async () => {
      server.otherwise(() => ({ status: 503, text: 'overloaded' }));
      const { http, retries } = setup();
      const error = await fail(
        http.send({ target: 'prom', url: `${server.url}/q` }, context()),
      );
      expect(error).toBeInstanceOf(OutboundError);
      expect(error).toMatchObject({ kind: 'server', status: 503, attempts: 3 });
      expect(server.requests).toHaveLength(3);
      expect(retries.map(r => [r.target, r.attempt, r.error.status])).toEqual([
        ['prom', 1, 503],
        ['prom', 2, 503],
      ]);
      const delays = retries.map(r => r.delayMs);
      expectWithinJitter(delays, [20, 40]);
      const [first, second, third] = server.requests.map(r => r.at);
      // Timestamps are whole milliseconds; allow one of rounding.
      expect(second - first).toBeGreaterThanOrEqual(delays[0] - 1);
      expect(third - second).toBeGreaterThanOrEqual(delays[1] - 1);
    });

    it('doubles the backoff up to maxDelayMs', async () => {
      server.otherwise(() => ({ status: 502 }));
      const { http, retries } = setup({
        retry: { attempts: 6, initialDelayMs: 10, maxDelayMs: 40 },
      });
      await fail(http.send({ target: 'p', url: server.url }, context()));
      expect(server.requests).toHaveLength(6);
      expectWithinJitter(
        retries.map(r => r.delayMs),
        [10, 20, 40, 40, 40],
      );
    });

    it('retries a 429 and a timeout, then returns the answer', async () => {
      server.script(
        { status: 429 },
        { stall: true },
        { status: 200, text: 'ok' },
      );
      const { http, retries } = setup({ timeoutMs: 200 });
      const response = await http.send(
        { target: 'p', url: server.url },
        context(),
      );
      expect(response).toMatchObject({ status: 200, text: 'ok', attempts: 3 });
      expect(retries.map(r => [r.error.kind, r.error.status])).toEqual([
        ['client', 429],
        ['timeout', undefined],
      ]);
      expect(retries[1].error.message).toMatch(/did not answer within 200 ms/);
    });

    it('attempts a 404 and an invalid URL once, and neither opens the circuit', async () => {
      server
        .script({ status: 404, text: 'no such page' })
        .otherwise(() => ({ status: 200 }));
      const { http, retries } = setup({ openCircuitMs: 60_000 });

      const notFound = await fail(
        http.send({ target: 'wiki', url: `${server.url}/gone` }, context()),
      );
      expect(notFound).toMatchObject({
        kind: 'client',
        status: 404,
        attempts: 1,
      });
      expect(server.requests).toHaveLength(1);

      const invalid = await fail(
        http.send({ target: 'wiki', url: 'http://[not-a-host' }, context()),
      );
      expect(invalid).toMatchObject({ kind: 'invalid-request', attempts: 0 });
      expect(invalid.message).toBe('wiki: invalid URL');
      expect(retries).toEqual([]);

      await expect(
        http.send({ target: 'wiki', url: `${server.url}/ok` }, context()),
      ).resolves.toMatchObject({ status: 200, attempts: 1 });
      expect(server.requests).toHaveLength(2);
    });
  });

  describe('circuit breaker', () => {
    it('opens when a call used up its attempts, makes no call while open, then lets a trial through', async () => {
      server
        .script({ status: 503 }, { status: 503 }, { status: 503 })
        .otherwise(() => ({ status: 200 }));
      const { http } = setup({ openCircuitMs: 300 });
      const send = () =>
        http.send({ target: 'prom', url: `${server.url}/q` }, context());

      await expect(send()).rejects.toMatchObject({ attempts: 3 });
      expect(server.requests).toHaveLength(3);

      const refused = await Promise.all(
        Array.from({ length: 5 }, () => fail(send())),
      );
      for (const error of refused) {
        expect(error).toMatchObject({ kind: 'circuit-open', attempts: 0 });
        expect(error.message).toBe(
          'prom is failing (answered 503, circuit opened 0 s ago); not asked again for 1 s',
        );
      }
      expect(server.requests).toHaveLength(3);

      // The circuit is the server's: another name for it is refused too.
      await expect(
        http.send({ target: 'other', url: `${server.url}/q` }, context()),
      ).rejects.toMatchObject({ kind: 'circuit-open' });
      expect(server.requests).toHaveLength(3);

      await sleep(350);
      await expect(send()).resolves.toMatchObject({ status: 200, attempts: 1 });
      await expect(send()).resolves.toMatchObject({ status: 200 });
      expect(server.requests).toHaveLength(5);
    });

    it('opens again when the half-open trial fails', async () => {
      server.otherwise(() => ({ status: 500 }));
      const { http } = setup({
        openCircuitMs: 200,
        retry: { attempts: 2, initialDelayMs: 5, maxDelayMs: 10 },
      });
      const send = () => http.send({ target: 'p', url: server.url }, context());

      await expect(send()).rejects.toMatchObject({ attempts: 2 });
      await sleep(250);
      await expect(send()).rejects.toMatchObject({ attempts: 2 });
      expect(server.requests).toHaveLength(4);
      await expect(send()).rejects.toMatchObject({
        kind: 'circuit-open',
        attempts: 0,
      });
      expect(server.requests).toHaveLength(4);
    });
  });

  describe('cancellation', () => {
    it('stops at once when the signal aborts during a backoff, without opening the circuit', async () => {
      server.script({ status: 503 }).otherwise(() => ({ status: 200 }));
      const controller = new AbortController();
      let sinceAbort: ReturnType<typeof stopwatch> | undefined;
      let fetches = 0;
      const { http, retries } = setup({
        openCircuitMs: 60_000,
        fetch: (input, init) => {
          fetches++;
          return fetch(input, init);
        },
        // The first backoff lasts 200 to 400 ms: far longer than the abort may take.
        retry: { attempts: 3, initialDelayMs: 400, maxDelayMs: 1600 },
        onRetry: event => {
          retries.push(event);
          setTimeout(() => {
            sinceAbort = stopwatch();
            controller.abort();
          }, 20);
        },
      });

      const error = await fail(
        http.send(
          { target: 'prom', url: server.url },
          context(controller.signal),
        ),
      );
      // Under the 200-400 ms backoff it was in and the 5 s timeout, plus
      // whatever time this process waited for a CPU: it waited for neither.
      const sinceAborted = sinceAbort!.elapsed();
      expect(sinceAborted.ms).toBeLessThan(150 + sinceAborted.waitedMs);
      expect(error).toMatchObject({ kind: 'cancelled', attempts: 1 });
      expect(retries).toHaveLength(1);

      // Past the backoff the cancelled call would have waited for: still one request.
      await sleep(400);
      expect(fetches).toBe(1);
      expect(server.requests).toHaveLength(1);

      await expect(
        http.send({ target: 'prom', url: server.url }, context()),
      ).resolves.toMatchObject({ status: 200 });
      expect(server.requests).toHaveLength(2);
    });

    it('aborts the in-flight request and makes no further attempt', async () => {
      server.otherwise(() => ({ stall: true }));
      const fetches: Array<Promise<unknown>> = [];
      let sinceAbort = stopwatch();
      const { http, retries } = setup({
        timeoutMs: 5000,
        fetch: (input, init) => {
          const response = fetch(input, init);
          fetches.push(
            response.then(
              () => 'answered',
              (error: Error) => ({
                rejected: error.name,
                sinceAbort: sinceAbort.elapsed(),
              }),
            ),
          );
          return response;
        },
      });
      const controller = new AbortController();
      const call = fail(
        http.send(
          { target: 'slow', url: server.url },
          context(controller.signal),
        ),
      );
      await sleep(100);
      expect(server.requests).toHaveLength(1);
      sinceAbort = stopwatch();
      controller.abort();
      const error = await call;
      // Well under the first retry's 1 s backoff and the 5 s timeout, plus
      // whatever time this process waited for a CPU: it waited for neither.
      const sinceAborted = sinceAbort.elapsed();
      expect(sinceAborted.ms).toBeLessThan(500 + sinceAborted.waitedMs);
      expect(error).toMatchObject({ kind: 'cancelled', attempts: 1 });
      // The request itself was aborted, long before its 5 s timeout.
      expect(fetches).toHaveLength(1);
      const fetched = (await fetches[0]) as {
        rejected: string;
        sinceAbort: { ms: number; waitedMs: number };
      };
      expect(fetched.rejected).toBe('AbortError');
      expect(fetched.sinceAbort.ms).toBeLessThan(
        100 + fetched.sinceAbort.waitedMs,
      );
      expect(retries).toEqual([]);
      await sleep(50);
      expect(server.requests).toHaveLength(1);
    });

    it('makes no request when the signal is already aborted', async () => {
      server.otherwise(() => ({ status: 200 }));
      const { http } = setup();
      const error = await fail(
        http.send(
          { target: 'p', url: server.url },
          context(AbortSignal.abort()),
        ),
      );
      expect(error).toMatchObject({ kind: 'cancelled', attempts: 0 });
      expect(server.requests).toHaveLength(0);
    });
  });
});
