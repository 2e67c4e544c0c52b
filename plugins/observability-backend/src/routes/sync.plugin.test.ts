/**
 * `POST /sync` through the whole plugin, into the ruler API test server
 * (see `ruleTargets/__testUtils__/rulerApiServer.ts`; no real Mimir runs).
 */
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
import type { SyncResponse } from './sync';

const SYNC = '/api/observability/sync';
const ADA = mockCredentials.user.header('user:default/ada');

describe('POST /sync', () => {
  let ruler: RulerApiServer;
  beforeEach(async () => {
    ruler = await startRulerApiServer();
  });
  afterEach(() => ruler.close());

  async function startBackend(
    permission: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
  ) {
    const auditor = mockServices.auditor.mock();
    const { server } = await startTestBackend({
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
                  url: ruler.url,
                  tenant: 'redline',
                },
              ],
              sync: { pauseMs: 0 },
            },
          },
        }),
      ],
    });
    return { server, auditor };
  }

  const posts = () => ruler.requests.filter(r => r.method !== 'GET');

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

  it('gives a reader a dry run, and refuses them the sync', async () => {
    const { server, auditor } = await startBackend(AuthorizeResult.DENY);
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
    expect(posts()).toEqual([]);
    expect(auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        eventId: 'rules-sync',
        meta: { target: 'mimir' },
      }),
    );
  });

  it('syncs for a permitted user and records each change with who and why', async () => {
    const { server } = await startBackend(AuthorizeResult.ALLOW);
    const res = await request(server)
      .post(SYNC)
      .set('Authorization', ADA)
      .send({ target: 'mimir' });
    expect(res.status).toBe(200);
    const body = res.body as SyncResponse;
    expect(body.applied).toMatchObject({
      namespacesWritten: 3,
      failed: 0,
      requests: posts().length,
    });
    expect(body.applied!.bytesWritten).toBeGreaterThan(0);

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
  });
});
