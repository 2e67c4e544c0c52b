/**
 * `POST /sync` and `GET /sync/runs/:id` through the whole plugin, into the
 * ruler API test server (see `ruleTargets/__testUtils__/rulerApiServer.ts`;
 * no real Mimir runs).
 */
import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { ApplyHistoryResponse } from '@redline/backstage-plugin-observability-common';
import request from 'supertest';
import { observabilityPlugin } from '../plugin';
import {
  startRulerApiServer,
  type RulerApiServer,
} from '../ruleTargets/__testUtils__/rulerApiServer';
import { syncCatalog } from '../sync/__testUtils__/syncFixtures';
import type { SyncResponse, SyncRunResponse } from './sync';
import { recordingAuditor } from '../__testUtils__/recordingAuditor';

const SYNC = '/api/observability/sync';
const RULER_PREFIX = '/prometheus/config/v1/rules';
const ADA = mockCredentials.user.header('user:default/ada');

/**
 * A loopback proxy to the ruler that holds every request until `release`,
 * so a test can look at a sync while it is still running.
 */
async function gatedProxy(upstream: string) {
  let release!: () => void;
  const gate = new Promise<void>(resolve => {
    release = resolve;
  });
  let reached!: () => void;
  const firstRequest = new Promise<void>(resolve => {
    reached = resolve;
  });
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    reached();
    await gate;
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'x-scope-orgid']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const answer = await fetch(`${upstream}${req.url}`, {
      method: req.method,
      headers,
      ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
    });
    res.writeHead(answer.status, {
      'content-type': answer.headers.get('content-type') ?? 'text/plain',
    });
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    release,
    firstRequest,
    close: () => {
      release();
      return new Promise<void>(resolve => server.close(() => resolve()));
    },
  };
}

describe('POST /sync', () => {
  let ruler: RulerApiServer;
  beforeEach(async () => {
    ruler = await startRulerApiServer();
  });
  afterEach(() => ruler.close());

  async function startBackend(
    permission: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
    rulerUrl = ruler.url,
    auditorAnswers: Promise<void> = Promise.resolve(),
  ) {
    const { auditor, events } = recordingAuditor(auditorAnswers);
    const backend = await startTestBackend({
      features: [
        observabilityPlugin,
        auditor.factory,
        catalogServiceMock.factory({ entities: syncCatalog() }),
        mockServices.permissions.factory({ result: permission }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://portal.test' },
            observability: {
              retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1 },
              ruleTargets: [
                {
                  name: 'mimir',
                  type: 'mimir-ruler',
                  url: rulerUrl,
                  tenant: 'redline',
                },
              ],
              sync: { pauseMs: 0 },
            },
          },
        }),
      ],
    });
    return { server: backend.server, backend, events };
  }

  const posts = () => ruler.requests.filter(r => r.method !== 'GET');
  const listings = () =>
    ruler.requests.filter(r => r.method === 'GET' && r.path === RULER_PREFIX);

  async function finished(server: Server, id: string) {
    for (let attempt = 0; attempt < 400; attempt++) {
      const res = await request(server)
        .get(`${SYNC}/runs/${id}`)
        .set('Authorization', ADA);
      expect(res.status).toBe(200);
      const run = res.body as SyncRunResponse;
      if (run.status !== 'running') return run;
      await sleep(25);
    }
    throw new Error(`sync run ${id} did not finish`);
  }

  it('names the field a bad body got wrong', async () => {
    const { server } = await startBackend(AuthorizeResult.ALLOW);
    const missing = await request(server)
      .post(SYNC)
      .set('Authorization', ADA)
      .send({});
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/target/);
    const wrongType = await request(server)
      .post(SYNC)
      .set('Authorization', ADA)
      .send({ target: 'mimir', dryRun: 'yes' });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.message).toMatch(/dryRun/);
    expect(wrongType.body.error.message).not.toMatch(/\/|at /);
  });

  it('answers 404 for a target that is not configured', async () => {
    const { server } = await startBackend(AuthorizeResult.ALLOW);
    const res = await request(server)
      .post(SYNC)
      .set('Authorization', ADA)
      .send({ target: 'thanos', dryRun: true });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(
      /No rule target 'thanos'.*known: mimir/,
    );
  });

  it('gives a reader a dry run in the answer, and refuses them the sync', async () => {
    const { server, events } = await startBackend(AuthorizeResult.DENY);
    const dry = await request(server)
      .post(SYNC)
      .set('Authorization', ADA)
      .send({ target: 'mimir', dryRun: true });
    expect(dry.status).toBe(200);
    const body = dry.body as SyncResponse;
    expect(body.applied).toBeUndefined();
    expect(body.plan.writes).toHaveLength(3);
    expect(body.formatted.at(-1)).toMatch(
      /added, 0 changed, 0 removed group\(s\); 3 namespace\(s\) to write, 0 to delete\.$/,
    );

    const sync = await request(server)
      .post(SYNC)
      .set('Authorization', ADA)
      .send({ target: 'mimir' });
    expect(sync.status).toBe(403);
    expect(sync.body.error.message).toMatch(
      /needs the permission observability\.artifacts\.apply/,
    );
    await sleep(100);
    expect(posts()).toEqual([]);
    expect(events).toHaveLength(1);
    expect(events[0].options).toMatchObject({
      eventId: 'rules-sync',
      meta: { target: 'mimir' },
    });
    expect(events[0].fail).toHaveBeenCalledTimes(1);
    expect(events[0].success).not.toHaveBeenCalled();

    // A run's plan covers the whole catalog, so a reader may not follow one.
    const run = await request(server)
      .get(`${SYNC}/runs/${randomUUID()}`)
      .set('Authorization', ADA);
    expect(run.status).toBe(403);
    expect(run.body.error.message).toMatch(
      /^Following a sync needs the permission observability\.artifacts\.apply/,
    );
  });

  it('starts a sync in the background and answers where to follow it', async () => {
    const { server, events } = await startBackend(AuthorizeResult.ALLOW);
    const res = await request(server)
      .post(SYNC)
      .set('Authorization', ADA)
      .send({ target: 'mimir' });
    expect(res.status).toBe(202);
    const started = res.body as SyncRunResponse;
    expect(started).toEqual({
      id: expect.any(String),
      target: 'mimir',
      dryRun: false,
      status: 'running',
      startedAt: expect.any(String),
      actor: 'user:default/ada',
    });
    expect(res.headers.location).toBe(`${SYNC}/runs/${started.id}`);

    const run = await finished(server, started.id);
    expect(run).toMatchObject({
      id: started.id,
      status: 'succeeded',
      actor: 'user:default/ada',
      finishedAt: expect.any(String),
      entities: 3,
      undescribed: [],
    });
    expect(run.plan!.writes).toHaveLength(3);
    expect(run.formatted!.at(-1)).toMatch(/3 namespace\(s\) to write/);
    expect(run.applied).toMatchObject({
      namespacesWritten: 3,
      failed: 0,
      requests: posts().length,
    });
    expect(run.applied!.bytesWritten).toBeGreaterThan(0);
    expect(run.error).toBeUndefined();

    const history = await request(server)
      .get('/api/observability/entity/component/default/checkout/apply')
      .set('Authorization', ADA);
    const [entry] = (history.body as ApplyHistoryResponse).items;
    expect(entry).toMatchObject({
      instance: 'mimir',
      outcome: 'applied',
      appliedBy: 'user:default/ada',
      message: expect.stringMatching(/^sync: wrote /),
    });

    const again = await request(server)
      .post(SYNC)
      .set('Authorization', ADA)
      .send({ target: 'mimir', dryRun: true });
    expect((again.body as SyncResponse).formatted).toEqual([
      'Nothing to change.',
    ]);

    expect(events).toHaveLength(1);
    await sleep(50);
    expect(events[0].success).toHaveBeenCalledWith({
      meta: {
        target: 'mimir',
        runId: started.id,
        joined: false,
        writes: 3,
        deletes: 0,
        failed: 0,
      },
    });
    expect(events[0].fail).not.toHaveBeenCalled();
  });

  it('answers the running sync to a second request for the same target', async () => {
    const proxy = await gatedProxy(ruler.url);
    try {
      const { server, events } = await startBackend(
        AuthorizeResult.ALLOW,
        proxy.url,
      );
      const first = await request(server)
        .post(SYNC)
        .set('Authorization', ADA)
        .send({ target: 'mimir' });
      await proxy.firstRequest;
      const second = await request(server)
        .post(SYNC)
        .set('Authorization', mockCredentials.service.header())
        .send({ target: 'mimir' });

      expect(second.status).toBe(202);
      expect(second.body).toEqual(first.body);
      expect(second.headers.location).toBe(first.headers.location);
      expect(
        (
          await request(server)
            .get(first.headers.location)
            .set('Authorization', ADA)
        ).body.status,
      ).toBe('running');

      proxy.release();
      const run = await finished(server, first.body.id);
      expect(run.status).toBe('succeeded');
      expect(listings()).toHaveLength(1);
      expect(ruler.tenants.get('redline')?.size).toBe(3);
      await sleep(50);
      expect(events.map(e => e.success.mock.calls[0]?.[0]?.meta)).toEqual([
        expect.objectContaining({ runId: run.id, joined: false }),
        expect.objectContaining({ runId: run.id, joined: true }),
      ]);
    } finally {
      await proxy.close();
    }
  });

  it('goes on with a sync when the request that asked for it is closed', async () => {
    const proxy = await gatedProxy(ruler.url);
    let auditorAnswer!: () => void;
    const auditorAnswers = new Promise<void>(resolve => {
      auditorAnswer = resolve;
    });
    try {
      const { server, events } = await startBackend(
        AuthorizeResult.ALLOW,
        proxy.url,
        auditorAnswers,
      );
      const { port } = server.address() as AddressInfo;
      const body = JSON.stringify({ target: 'mimir' });
      const closing = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: SYNC,
        headers: {
          authorization: ADA,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      });
      closing.on('error', () => {});
      closing.end(body);
      // The caller goes away while the route is still at work (the
      // auditor holds it), before the sync starts.
      while (events.length === 0) await sleep(10);
      closing.destroy();
      await sleep(100);
      auditorAnswer();

      const reached = await Promise.race([
        proxy.firstRequest.then(() => true),
        sleep(3000).then(() => false),
      ]);
      expect(reached).toBe(true);
      // A second request joins the sync: had it ended, this would start
      // another, which would list the ruler a second time.
      const joined = await request(server)
        .post(SYNC)
        .set('Authorization', ADA)
        .send({ target: 'mimir' });
      proxy.release();
      const run = await finished(server, joined.body.id);
      expect(run.status).toBe('succeeded');
      expect(run.applied?.namespacesWritten).toBe(3);
      expect(listings()).toHaveLength(1);
    } finally {
      auditorAnswer();
      await proxy.close();
    }
  });

  it('stops a running sync when the backend shuts down', async () => {
    const proxy = await gatedProxy(ruler.url);
    try {
      const { server, backend } = await startBackend(
        AuthorizeResult.ALLOW,
        proxy.url,
      );
      await request(server)
        .post(SYNC)
        .set('Authorization', ADA)
        .send({ target: 'mimir' });
      await proxy.firstRequest;
      // Resolves only once the run has ended: its calls were cut off.
      await backend.stop();
      proxy.release();
      await sleep(100);
      expect(posts()).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('answers 404 naming a run it does not know', async () => {
    const { server } = await startBackend(AuthorizeResult.ALLOW);
    const res = await request(server)
      .get(`${SYNC}/runs/no-such-run`)
      .set('Authorization', ADA);
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(/^No sync run 'no-such-run'/);
  });

  it('shows a run only to an authenticated caller', async () => {
    const { server } = await startBackend(AuthorizeResult.ALLOW);
    const started = await request(server)
      .post(SYNC)
      .set('Authorization', ADA)
      .send({ target: 'mimir' });
    const anonymous = await request(server)
      .get(`${SYNC}/runs/${started.body.id}`)
      .set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);
    await finished(server, started.body.id);
  });
});
