import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { EntityViewResponse } from '@redline/backstage-plugin-observability-common';
import request from 'supertest';
import { FakeServer } from './__testUtils__/fakeServer';
import { testEntities } from './__testUtils__/entities';
import { observabilityPlugin } from './plugin';
import { stopwatch } from './__testUtils__/stopwatch';

// What is measured is each view against the deadline; the test's own time
// (starting backends, 50 MB answers) is not, and on a busy machine exceeds
// Jest's 5 s default.
jest.setTimeout(30_000);

const API = '/api/observability';
const VIEW = `${API}/entity/component/default/checkout`;
const DEADLINE_MS = 2000;

type Fault = 'hang' | '5xx' | 'garbage' | 'shape' | 'huge';

/**
 * Plays a Prometheus or an Alertmanager that is broken in one way. The huge
 * answer is streamed from one small buffer, so the server itself adds
 * nothing to the process' memory.
 */
async function faultServer() {
  let fault: Fault = 'hang';
  const chunk = Buffer.alloc(64 * 1024, ' ');
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '/');
    res.on('error', () => {});
    switch (fault) {
      case 'hang':
        return;
      case '5xx':
        res.writeHead(503).end('overloaded');
        return;
      case 'garbage':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('<html>proxy error</html>');
        return;
      case 'shape':
        // Valid JSON, wrong shape: `data` is a string where arrays are read.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify(
            req.url?.startsWith('/api/v2/')
              ? { alerts: 'none' }
              : { status: 'success', data: 'surprise' },
          ),
        );
        return;
      case 'huge': {
        res.writeHead(200, { 'content-type': 'application/json' });
        let left = 50 * 1024 * 1024;
        const pump = () => {
          while (left > 0) {
            left -= chunk.length;
            if (!res.write(chunk)) {
              res.once('drain', pump);
              return;
            }
          }
          res.end();
        };
        pump();
        return;
      }
      default:
        res.writeHead(500).end();
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    set fault(value: Fault) {
      fault = value;
      requests.length = 0;
    },
    stop: () => {
      server.closeAllConnections();
      return new Promise<void>(resolve => server.close(() => resolve()));
    },
  };
}

const REASONS: Record<Fault, RegExp> = {
  hang: /did not answer within 2 s/,
  '5xx': /answered 503|is failing|did not answer within 2 s/,
  garbage: /answered with invalid JSON|is failing \(malformed answers/,
  shape: /answered with an unexpected shape|is failing \(malformed answers/,
  // Each of the view's questions reads 4 MiB from a server in this same
  // process: 0.9 s in all on an idle machine, 1.6-2.0 s in CI runs, 2.7 s
  // on a starved one, where the deadline came first (an answer in time
  // too). The cap's own message is proven where the client is tested alone
  // (OutboundHttp.limits.test.ts).
  huge: /answered with more than 4 MiB|is failing \(answers too large|did not answer within 2 s/,
};

describe('the entity view against failing servers', () => {
  let prometheus: Awaited<ReturnType<typeof faultServer>>;
  let alertmanager: Awaited<ReturnType<typeof faultServer>>;
  let runbooks: FakeServer;

  beforeAll(async () => {
    [prometheus, alertmanager, runbooks] = await Promise.all([
      faultServer(),
      faultServer(),
      FakeServer.start(),
    ]);
    runbooks.otherwise(() => ({ status: 200 }));
  });
  afterAll(async () => {
    await Promise.all([
      prometheus.stop(),
      alertmanager.stop(),
      runbooks.stop(),
    ]);
  });

  /** A fresh backend (fresh circuits) with the seed's retry policy and timeouts. */
  async function startBackend() {
    const { server } = await startTestBackend({
      features: [
        observabilityPlugin,
        catalogServiceMock.factory({
          entities: testEntities({
            runbookUrl: `${runbooks.url}/runbooks/checkout`,
          }),
        }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://portal.test' },
            observability: {
              view: { deadlineMs: DEADLINE_MS },
              prometheus: {
                rulesCacheTtlMs: 0,
                queryCacheTtlMs: 0,
                instances: [{ name: 'main', url: prometheus.url }],
              },
              alertmanager: {
                cacheTtlMs: 0,
                instances: [{ name: 'main', url: alertmanager.url }],
              },
              runbookCheck: { allowedHosts: ['127.0.0.1'] },
            },
          },
        }),
      ],
    });
    return server;
  }

  /**
   * One view, and the longest it may take: the deadline, plus 1 s for the
   * work after it, plus however long this process was ready to run but
   * waited for a CPU (Linux counts it in /proc/self/schedstat). On CI's two
   * busy cores that wait reached 0.8 s and 1.7 s of one view in two runs;
   * it is the machine's, not the view's.
   */
  async function view(server: Awaited<ReturnType<typeof startBackend>>) {
    const clock = stopwatch();
    const res = await request(server).get(VIEW);
    const { ms, waitedMs } = clock.elapsed();
    return { res, ms, waitedMs, boundMs: DEADLINE_MS + 1000 + waitedMs };
  }

  it.each<Fault>(['hang', '5xx', 'garbage', 'shape', 'huge'])(
    'answers 200 within the deadline with unknown facts and reasons when both hang or answer %s',
    async fault => {
      prometheus.fault = fault;
      alertmanager.fault = fault;
      const server = await startBackend();
      const { res, ms, boundMs, waitedMs } = await view(server);

      expect(res.status).toBe(200);
      // eslint-disable-next-line no-console -- the figure the issue asks for
      console.log(
        `${fault}: view answered in ${ms} ms (${waitedMs} ms of it waiting for a CPU)`,
      );
      expect(ms).toBeLessThan(boundMs);
      const body = res.body as EntityViewResponse;
      const reasons = [
        body.deployedRules,
        body.firing,
        body.live ?? { status: 'missing', reason: '' },
      ];
      for (const fact of reasons) {
        expect(fact.status).not.toBe('ok');
        const reason = (fact as { reason: string }).reason;
        expect(reason).toMatch(REASONS[fault]);
        expect(reason).not.toMatch(/is not a function|undefined|\[object/);
      }
      // What did not depend on them still arrived.
      expect(body.runbooks).toEqual(expect.any(Array));
      expect(
        body.checks.find(c => c.id === 'runbook.links-answer')?.status ??
          'pass',
      ).toBe('pass');

      // One view asks each distinct question at most `attempts` times; with
      // a shared circuit per server far fewer (a hanging one is asked once
      // per question, and the deadline ends the wait).
      const questions = new Set(prometheus.requests).size;
      expect(prometheus.requests.length).toBeLessThanOrEqual(3 * questions);
    },
  );

  it('keeps memory flat with 4 parallel views against 50 MB answers', async () => {
    prometheus.fault = 'huge';
    alertmanager.fault = 'huge';
    const server = await startBackend();
    // Warm up: the first view loads code paths and opens the circuits.
    await view(server);
    // Circuits are open now; a backend whose circuits are still closed is
    // the harder case, so measure on a fresh one.
    const fresh = await startBackend();
    const gc = (global as { gc?: () => void }).gc;
    gc?.();
    const idle = process.memoryUsage().rss;
    let peak = idle;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const views = await Promise.all(
      Array.from({ length: 4 }, () => view(fresh)),
    );
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    for (const { res, ms, boundMs } of views) {
      expect(res.status).toBe(200);
      expect(ms).toBeLessThan(boundMs);
    }
    const growthMb = (peak - idle) / 1024 / 1024;
    // eslint-disable-next-line no-console -- the figure the issue asks for
    console.log(`RSS growth over 4 parallel views: ${growthMb.toFixed(1)} MB`);
    expect(growthMb).toBeLessThan(100);
  });
});
