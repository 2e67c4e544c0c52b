import { mockServices } from '@backstage/backend-test-utils';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { FakeServer } from '../__testUtils__/fakeServer';
import type { RequestContext } from '../telemetry/context';
import { OutboundHttp } from './OutboundHttp';
import { HOST_NOT_ALLOWED, RunbookChecker } from './RunbookChecker';
import { stopwatch } from '../__testUtils__/stopwatch';

const ctx: RequestContext = {
  correlationId: 'c',
  logger: mockServices.logger.mock(),
  trace: ROOT_CONTEXT,
};

describe('RunbookChecker', () => {
  let server: FakeServer;
  const http = OutboundHttp.create({
    retry: { attempts: 2, initialDelayMs: 1, maxDelayMs: 2 },
    timeoutMs: 1000,
  });
  beforeEach(async () => {
    server = await FakeServer.start();
  });
  afterEach(async () => {
    await server.stop();
  });

  it('contacts only allowed hosts (exact or *.suffix)', () => {
    const checker = RunbookChecker.create({
      http,
      allowedHosts: ['wiki.example.com', '*.docs.example.com'],
      timeoutMs: 100,
    });
    expect(checker.isAllowed(new URL('https://WIKI.example.com/x'))).toBe(true);
    expect(checker.isAllowed(new URL('https://a.docs.example.com/x'))).toBe(
      true,
    );
    expect(checker.isAllowed(new URL('https://docs.example.com/x'))).toBe(
      false,
    );
    expect(
      checker.isAllowed(new URL('https://wiki.example.com.evil.io/x')),
    ).toBe(false);
    expect(checker.isAllowed(new URL('http://169.254.169.254/latest'))).toBe(
      false,
    );
  });

  it('reports answering, missing, refused and not-allowed links without fetching the latter', async () => {
    server.otherwise(req => {
      if (req.url === '/ok') return { status: 200 };
      if (req.url === '/head-refused')
        return req.method === 'HEAD' ? { status: 405 } : { status: 200 };
      return { status: 404 };
    });
    const checker = RunbookChecker.create({
      http,
      allowedHosts: ['127.0.0.1'],
      timeoutMs: 500,
    });
    const results = await checker.checkAll(
      [
        `${server.url}/ok`,
        `${server.url}/ok`,
        `${server.url}/head-refused`,
        `${server.url}/gone`,
        'https://elsewhere.example.com/rb',
        'ftp://x/y',
        'not a url',
      ],
      ctx,
    );
    expect(results).toEqual([
      { url: `${server.url}/ok`, ok: true, status: 200 },
      { url: `${server.url}/head-refused`, ok: true, status: 200 },
      expect.objectContaining({
        url: `${server.url}/gone`,
        ok: false,
        status: 404,
      }),
      {
        url: 'https://elsewhere.example.com/rb',
        ok: false,
        skipped: HOST_NOT_ALLOWED,
        error: HOST_NOT_ALLOWED,
      },
      { url: 'ftp://x/y', ok: false, error: 'unsupported scheme ftp:' },
      { url: 'not a url', ok: false, error: 'not a valid absolute URL' },
    ]);
    expect(server.requests.map(r => `${r.method} ${r.url}`).sort()).toEqual(
      [
        'GET /head-refused',
        'HEAD /gone',
        'HEAD /head-refused',
        'HEAD /ok',
      ].sort(),
    );
  });

  it('rejects instead of reporting a broken link when the check is cancelled', async () => {
    server.otherwise(() => ({ stall: true }));
    const checker = RunbookChecker.create({
      http,
      allowedHosts: ['127.0.0.1'],
      timeoutMs: 5000,
    });
    const controller = new AbortController();
    const results = checker
      .checkAll([`${server.url}/slow`], { ...ctx, signal: controller.signal })
      .catch(e => e);
    while (server.requests.length < 1) await new Promise(r => setTimeout(r, 5));
    const sinceAbort = stopwatch();
    controller.abort();
    expect(await results).toMatchObject({ kind: 'cancelled', attempts: 1 });
    const { ms, waitedMs } = sinceAbort.elapsed();
    expect(ms).toBeLessThan(100 + waitedMs);
    expect(server.requests).toHaveLength(1);
  });

  it('times out a runbook host that never answers', async () => {
    server.otherwise(() => ({ stall: true }));
    const checker = RunbookChecker.create({
      http,
      allowedHosts: ['127.0.0.1'],
      timeoutMs: 200,
    });
    const [result] = await checker.checkAll([`${server.url}/slow`], ctx);
    expect(result).toMatchObject({
      ok: false,
      error: expect.stringMatching(/did not answer within 200 ms/),
    });
  });
});
