import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mockServices } from '@backstage/backend-test-utils';
import { isHttpUrl } from '@redline/backstage-plugin-observability-common';
import { FakeServer } from '../__testUtils__/fakeServer';
import {
  RequestContext,
  backgroundContext,
  withDeadline,
} from '../telemetry/context';
import { OutboundHttp, OutboundHttpOptions } from './OutboundHttp';
import { PrometheusClient } from './PrometheusClient';
import { OutboundError } from './retry';
import { RunbookChecker } from './RunbookChecker';
import { stopwatch } from '../__testUtils__/stopwatch';

function context(): RequestContext {
  return backgroundContext(mockServices.logger.mock(), { test: 'limits' });
}

function setup(options: Partial<OutboundHttpOptions> = {}) {
  return OutboundHttp.create({
    // The seed's shape (3 attempts, doubling, capped at 8x) at 1/50 scale.
    retry: { attempts: 3, initialDelayMs: 20, maxDelayMs: 160 },
    timeoutMs: 1000,
    openCircuitMs: 60_000,
    maxResponseBytes: 64 * 1024,
    ...options,
  });
}

function fail(promise: Promise<unknown>): Promise<OutboundError> {
  return promise.then(
    value => {
      throw new Error(`expected a failure, got ${JSON.stringify(value)}`);
    },
    error => error,
  );
}

/** A server streaming `bytes` of JSON-ish filler, with or without Content-Length. */
async function bigServer(bytes: number, declare: boolean) {
  const chunk = Buffer.alloc(16 * 1024, 'x');
  let requests = 0;
  let written = 0;
  const server = http.createServer((_req, res) => {
    requests++;
    res.writeHead(200, {
      'content-type': 'application/json',
      ...(declare ? { 'content-length': String(bytes) } : {}),
    });
    let left = bytes;
    const pump = () => {
      while (left > 0) {
        const part = chunk.subarray(0, Math.min(chunk.length, left));
        left -= part.length;
        written += part.length;
        if (!res.write(part)) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    res.on('error', () => {});
    pump();
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    get written() {
      return written;
    },
    stop: () => {
      server.closeAllConnections();
      return new Promise<void>(resolve => server.close(() => resolve()));
    },
  };
}

describe('OutboundHttp limits', () => {
  let server: FakeServer;
  beforeEach(async () => {
    server = await FakeServer.start();
  });
  afterEach(async () => {
    await server.stop();
  });

  describe('response size cap', () => {
    it.each([
      ['a streamed body', false],
      ['a declared Content-Length', true],
    ])(
      'refuses %s past the cap once, without retrying, and stops reading',
      async (_name, declare) => {
        const big = await bigServer(20 * 1024 * 1024, declare);
        try {
          const outbound = setup({ openCircuitMs: 0 });
          const error = await fail(
            outbound.json({ target: 'prom', url: `${big.url}/q` }, context()),
          );
          expect(error).toMatchObject({ kind: 'too-large', attempts: 1 });
          expect(error.message).toBe(
            'prom answered with more than 65536 bytes (observability.outbound.maxResponseBytes)',
          );
          expect(big.requests).toBe(1);
          // The connection was dropped long before the 20 MB were sent.
          await new Promise(resolve => setTimeout(resolve, 50));
          expect(big.written).toBeLessThan(8 * 1024 * 1024);
        } finally {
          await big.stop();
        }
      },
    );

    it('reads a body up to the cap', async () => {
      const big = await bigServer(64 * 1024, false);
      try {
        const response = await setup().send(
          { target: 'prom', url: big.url },
          context(),
        );
        expect(response.text).toHaveLength(64 * 1024);
      } finally {
        await big.stop();
      }
    });

    it('counts an oversized answer against the target without retrying it', async () => {
      const big = await bigServer(1024 * 1024, false);
      try {
        const outbound = setup();
        await expect(
          outbound.send({ target: 'prom', url: `${big.url}/a` }, context()),
        ).rejects.toMatchObject({ kind: 'too-large', attempts: 1 });
        expect(big.requests).toBe(1);
        const refused = await fail(
          outbound.send({ target: 'prom', url: `${big.url}/b` }, context()),
        );
        expect(refused.message).toMatch(
          /^prom is failing \(answers too large, circuit opened/,
        );
        expect(big.requests).toBe(1);
      } finally {
        await big.stop();
      }
    });
  });

  describe('non-retryable failures', () => {
    it('refuses a URL with credentials before any request, without touching the circuit', async () => {
      server.otherwise(() => ({ status: 200, text: 'ok' }));
      const outbound = setup();
      const port = new URL(server.url).port;
      const url = `http://evil.example.com@127.0.0.1:${port}/runbook`;
      for (let i = 0; i < 5; i++) {
        const error = await fail(
          outbound.send({ target: 'runbook', url }, context()),
        );
        expect(error).toMatchObject({ kind: 'invalid-request', attempts: 0 });
        expect(error.message).toBe('runbook: URL with credentials refused');
      }
      expect(server.requests).toHaveLength(0);
      await expect(
        outbound.send(
          { target: 'runbook', url: `${server.url}/ok` },
          context(),
        ),
      ).resolves.toMatchObject({ status: 200 });
    });

    it('sends a 4xx once and retries a 429', async () => {
      server.script({ status: 400 }, { status: 429 }, { status: 200 });
      const outbound = setup();
      await expect(
        outbound.send({ target: 'p', url: server.url }, context()),
      ).rejects.toMatchObject({ kind: 'client', status: 400, attempts: 1 });
      await expect(
        outbound.send({ target: 'p', url: server.url }, context()),
      ).resolves.toMatchObject({ attempts: 2 });
      expect(server.requests).toHaveLength(3);
    });

    it('does not retry invalid JSON, and does not quote it', async () => {
      server.otherwise(() => ({ status: 200, text: '<html>secret</html>' }));
      const outbound = setup();
      const error = await fail(
        outbound.json({ target: 'prom', url: server.url }, context()),
      );
      expect(error).toMatchObject({ kind: 'bad-answer', attempts: 1 });
      expect(error.message).toBe('prom answered with invalid JSON');
      expect(server.requests).toHaveLength(1);
    });
  });

  describe('circuits', () => {
    it('share one circuit per server; another port has its own', async () => {
      const other = await FakeServer.start();
      try {
        server.otherwise(() => ({ status: 503 }));
        other.otherwise(() => ({ status: 200 }));
        const outbound = setup();
        await expect(
          outbound.send({ target: 'prom:a', url: server.url }, context()),
        ).rejects.toMatchObject({ attempts: 3 });
        await expect(
          outbound.send(
            { target: 'prom:b', url: `${server.url}/y` },
            context(),
          ),
        ).rejects.toMatchObject({ kind: 'circuit-open' });
        expect(server.requests).toHaveLength(3);
        await expect(
          outbound.send({ target: 'prom:a', url: other.url }, context()),
        ).resolves.toMatchObject({ status: 200 });
      } finally {
        await other.stop();
      }
    });

    it('makes concurrent questions to a failing server fail fast', async () => {
      server.otherwise(() => ({ status: 503 }));
      const outbound = setup();
      const questions = ['rules', 'series', 'buckets', 'range', 'alerts', 'x'];
      const errors = await Promise.all(
        questions.map(path =>
          fail(
            outbound.send(
              { target: 'prom', url: `${server.url}/${path}` },
              context(),
            ),
          ),
        ),
      );
      // A circuit per call would cost 6 × 3 = 18 requests; once the first
      // question used up its attempts the others' retries are refused.
      expect(server.requests.length).toBeLessThan(questions.length * 3);
      for (const error of errors) expect(error.kind).toBe('server');
      // Those cut short say why they made fewer than the policy's attempts.
      const cut = errors.filter(error => error.attempts < 3);
      expect(cut.length).toBeGreaterThan(0);
      for (const error of cut)
        expect(error.note).toBe(
          'no more attempts: another request to it failed 3 times and opened its circuit',
        );

      // A question to a target already failing makes no request at all.
      const before = server.requests.length;
      await expect(
        outbound.send({ target: 'prom', url: `${server.url}/new` }, context()),
      ).rejects.toMatchObject({ kind: 'circuit-open', attempts: 0 });
      expect(server.requests).toHaveLength(before);
    });

    it("never shows the request that opened a circuit in another request's message", async () => {
      server.otherwise(() => ({
        status: 500,
        text: 'query for service="payments-secret" failed',
      }));
      const outbound = setup();
      const opener = await fail(
        outbound.send(
          { target: 'prom', url: `${server.url}/q?payments-secret` },
          context(),
        ),
      );
      expect(opener.message).toContain('payments-secret');
      const refused = await fail(
        outbound.send({ target: 'prom', url: `${server.url}/mine` }, context()),
      );
      expect(refused.kind).toBe('circuit-open');
      expect(refused.message).not.toContain('payments-secret');
      expect(refused.message).not.toContain('/q');
      expect(refused.message).toMatch(/^prom is failing \(answered 500,/);
    });

    it('keys runbook links by URL: one bad link leaves its neighbours alone', async () => {
      server.otherwise(req =>
        req.url === '/broken' ? { status: 503 } : { status: 200 },
      );
      const checker = RunbookChecker.create({
        http: setup(),
        allowedHosts: ['127.0.0.1'],
        timeoutMs: 500,
      });
      const broken = await checker.check(`${server.url}/broken`, context());
      expect(broken).toMatchObject({ ok: false, status: 503 });
      // The broken link's circuit is open ...
      const again = await checker.check(`${server.url}/broken`, context());
      expect(again.error).toMatch(/is failing/);
      // ... and another entity's link on the same host is still probed.
      const fine = await checker.check(`${server.url}/fine`, context());
      expect(fine).toEqual({
        url: `${server.url}/fine`,
        ok: true,
        status: 200,
      });
      expect(JSON.stringify(fine)).not.toContain('broken');
    });

    it('never probes a runbook link with credentials', async () => {
      const link = `http://evil.example.com@127.0.0.1:${
        new URL(server.url).port
      }/runbook`;
      // Annotations go through isHttpUrl, which refuses such links.
      expect(isHttpUrl(link)).toBe(false);
      const checker = RunbookChecker.create({
        http: setup(),
        allowedHosts: ['127.0.0.1', 'evil.example.com'],
        timeoutMs: 500,
      });
      const fact = await checker.check(link, context());
      expect(fact).toMatchObject({ ok: false });
      expect(fact.error).toMatch(/credentials/);
      expect(server.requests).toHaveLength(0);
    });
  });

  describe('deadline and answer shapes', () => {
    it('stops a hanging call at the deadline and says so', async () => {
      server.otherwise(() => ({ stall: true }));
      const outbound = setup({ timeoutMs: 5000 });
      const clock = stopwatch();
      const error = await fail(
        outbound.send(
          { target: 'prometheus:main', url: server.url },
          withDeadline(context(), 300),
        ),
      );
      // The 300 ms deadline, not the 5 s timeout, plus any wait for a CPU.
      const { ms, waitedMs } = clock.elapsed();
      expect(ms).toBeLessThan(1000 + waitedMs);
      expect(error).toMatchObject({ kind: 'cancelled' });
      expect(error.message).toBe(
        'prometheus:main did not answer within 0.3 s (the deadline of this request)',
      );
    });

    it.each([
      [
        { status: 'success', data: { resultType: 'vector', result: 'x' } },
        'data.result',
      ],
      [{ status: 'success', data: null }, 'data'],
      [[1, 2, 3], 'answer'],
    ])(
      'reports a wrong-shape Prometheus answer (%j) without JavaScript internals',
      async (answer, where) => {
        server.otherwise(() => ({ status: 200, json: answer }));
        const client = PrometheusClient.create({
          instance: { name: 'main', url: server.url, default: true },
          http: setup(),
          rulesTtlMs: 0,
        });
        const error = await fail(client.labelSets(['up'], [], context()));
        expect(error).toMatchObject({ kind: 'bad-answer' });
        expect(error.message).toMatch(
          new RegExp(
            `^prometheus:main answered with an unexpected shape \\(${where.replace(
              '.',
              '\\.',
            )}: `,
          ),
        );
        expect(error.message).not.toMatch(/is not a function|undefined/);
        expect(server.requests).toHaveLength(1);
      },
    );
  });
});
