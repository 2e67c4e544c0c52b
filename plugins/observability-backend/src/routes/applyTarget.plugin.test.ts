/**
 * Apply through configured rule targets, the whole plugin running: the
 * entity's choice (`redline.dev/rule-target`) or the request's `target`
 * decides where the groups go; history, audit and preview say so.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type {
  ApplyHistoryResponse,
  ApplyPreviewResponse,
  ApplyResponse,
} from '@redline/backstage-plugin-observability-common';
import request from 'supertest';
import { parse } from 'yaml';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { requireBinary } from '../../../../test/support/binaries';
import { FakeServer, startEmptyPrometheus } from '../__testUtils__/fakeServer';
import { component, testEntities } from '../__testUtils__/entities';
import {
  startRulerApiServer,
  type RulerApiServer,
} from '../ruleTargets/__testUtils__/rulerApiServer';
import { observabilityPlugin } from '../plugin';
import { recordingAuditor } from '../__testUtils__/recordingAuditor';

const API = '/api/observability';
const ENTITY = `${API}/entity/component/default`;
const TENANT = 'payments-tenant';
const CONFIGURED = /configured rule targets: mimir, vm, finance-only/;
const promtool = requireBinary('promtool');

/** Chooses the Mimir ruler for its rules. */
const chooser = component('chooser', {
  'redline.dev/slo-availability': '99.9',
  'redline.dev/runbook-url': 'https://runbooks.example/chooser',
  'redline.dev/rule-target': 'mimir',
});
/** Names a target the portal does not have. */
const stray = component('stray', {
  'redline.dev/runbook-url': 'https://runbooks.example/stray',
  'redline.dev/rule-target': 'nowhere',
});

describe('apply through rule targets', () => {
  let prometheus: FakeServer;
  let ruler: RulerApiServer;
  let rulesDirectory: string;
  let vmDirectory: string;

  beforeAll(async () => {
    prometheus = await startEmptyPrometheus();
  });
  beforeEach(async () => {
    ruler = await startRulerApiServer();
    rulesDirectory = await fs.mkdtemp(path.join(os.tmpdir(), 'redline-prom-'));
    vmDirectory = await fs.mkdtemp(path.join(os.tmpdir(), 'redline-vm-'));
  });
  afterEach(async () => {
    await ruler.close();
    await fs.rm(rulesDirectory, { recursive: true, force: true });
    await fs.rm(vmDirectory, { recursive: true, force: true });
  });
  afterAll(async () => {
    await prometheus.stop();
  });

  async function startBackend() {
    const { auditor, events } = recordingAuditor();
    const { server } = await startTestBackend({
      features: [
        observabilityPlugin,
        auditor.factory,
        catalogServiceMock.factory({
          entities: [
            ...testEntities({
              runbookUrl: 'https://runbooks.example/checkout',
            }),
            chooser,
            stray,
          ],
        }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://portal.test' },
            observability: {
              prometheus: {
                // The fakes answer at once; on a starved CI machine 300 ms
                // was too little for them (all five parallel applies 503).
                timeoutMs: 2000,
                instances: [
                  {
                    name: 'main',
                    url: prometheus.url,
                    default: true,
                    rulesDirectory,
                  },
                ],
              },
              ruleTargets: [
                {
                  name: 'mimir',
                  type: 'mimir-ruler',
                  url: ruler.url,
                  tenant: TENANT,
                },
                {
                  name: 'vm',
                  type: 'vmalert-file',
                  url: prometheus.url,
                  rulesDirectory: vmDirectory,
                },
                {
                  name: 'finance-only',
                  type: 'mimir-ruler',
                  url: ruler.url,
                  tenant: 'finance',
                  owners: ['finance'],
                },
              ],
              retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1 },
              apply: { promtoolPath: promtool ?? '/nonexistent/promtool' },
            },
          },
        }),
      ],
    });
    return { server, events };
  }

  const historyOf = async (server: any, name: string) =>
    (
      (await request(server).get(`${ENTITY}/${name}/apply`))
        .body as ApplyHistoryResponse
    ).items;
  const writesTo = (tenant: string) =>
    ruler.requests.filter(r => r.method !== 'GET' && r.tenant === tenant);

  it("writes an entity's groups into its namespace on the target it chose, once", async () => {
    const { server, events } = await startBackend();
    const res = await request(server).post(`${ENTITY}/chooser/apply`).send({});
    expect(res.status).toBe(200);
    const result = res.body as ApplyResponse;
    expect(result).toMatchObject({
      entityRef: 'component:default/chooser',
      instance: 'mimir',
      target: 'mimir',
      path: 'redline-component-default-chooser',
      changed: true,
      validated: promtool ? 'promtool' : 'skipped',
      reload: { status: 'skipped' },
    });

    // The groups of the rules file the tab offers, one POST each, all with
    // the tenant; nothing went to the Prometheus rules directory.
    const file = await request(server).get(
      `${ENTITY}/chooser/artifacts/prometheus-rules`,
    );
    const fileGroups = parse(file.text).groups as Array<{ name: string }>;
    const posted = writesTo(TENANT);
    expect(posted.map(r => r.method)).toEqual(fileGroups.map(() => 'POST'));
    expect(ruler.requests.every(r => r.tenant === TENANT)).toBe(true);
    const held = ruler.tenants
      .get(TENANT)
      ?.get('redline-component-default-chooser');
    expect([...(held?.values() ?? [])]).toEqual(
      expect.arrayContaining(fileGroups),
    );
    expect(held?.size).toBe(fileGroups.length);
    expect(await fs.readdir(rulesDirectory)).toEqual([]);

    const again = await request(server)
      .post(`${ENTITY}/chooser/apply`)
      .send({});
    expect(again.body).toMatchObject({ changed: false, target: 'mimir' });
    expect(writesTo(TENANT)).toHaveLength(posted.length);

    expect(events[0].success).toHaveBeenCalledWith({
      meta: expect.objectContaining({
        target: 'mimir',
        instance: 'mimir',
        changed: true,
      }),
    });
    const history = await historyOf(server, 'chooser');
    expect(history.map(h => [h.outcome, h.instance, h.path])).toEqual([
      ['unchanged', 'mimir', 'redline-component-default-chooser'],
      ['applied', 'mimir', 'redline-component-default-chooser'],
    ]);
  });

  it('of 5 parallel applies to one namespace exactly one writes', async () => {
    const { server } = await startBackend();
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        request(server).post(`${ENTITY}/chooser/apply`).send({}),
      ),
    );
    expect(answers.map(a => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers.filter(a => a.body.changed)).toHaveLength(1);
    const groups = ruler.tenants
      .get(TENANT)
      ?.get('redline-component-default-chooser');
    expect(writesTo(TENANT)).toHaveLength(groups?.size ?? -1);
    const outcomes = (await historyOf(server, 'chooser')).map(h => h.outcome);
    expect(outcomes.filter(o => o === 'applied')).toHaveLength(1);
  });

  it('previews the deployed groups against the declared ones through the target', async () => {
    const { server } = await startBackend();
    const preview = async () =>
      (
        await request(server)
          .post(`${ENTITY}/checkout/apply/preview`)
          .send({ target: 'mimir' })
      ).body as ApplyPreviewResponse;

    const before = await preview();
    expect(before).toMatchObject({
      target: 'mimir',
      fileName: 'redline-component-default-checkout',
      deployed: false,
      changed: true,
      removed: 0,
    });
    expect(before.added).toBeGreaterThan(0);
    expect(before.diff.every(line => line.kind === 'added')).toBe(true);

    await request(server)
      .post(`${ENTITY}/checkout/apply`)
      .send({ target: 'mimir' })
      .expect(200);
    const after = await preview();
    expect(after).toMatchObject({
      deployed: true,
      changed: false,
      added: 0,
      removed: 0,
    });
    expect(after.diff.map(line => line.text).join('\n')).toBe(
      before.diff.map(line => line.text).join('\n'),
    );
  });

  it('writes a vmalert file target named in the request and reloads vmalert', async () => {
    const { server } = await startBackend();
    const reloadsBefore = prometheus.requests.filter(r =>
      r.url.startsWith('/-/reload'),
    ).length;
    const res = await request(server)
      .post(`${ENTITY}/checkout/apply`)
      .send({ target: 'vm' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      target: 'vm',
      path: 'redline-component-default-checkout.yaml',
      changed: true,
      reload: { status: 'ok' },
    });
    const written = await fs.readFile(
      path.join(vmDirectory, 'redline-component-default-checkout.yaml'),
      'utf8',
    );
    expect(written).toMatch(/^# redline-entity: component:default\/checkout\n/);
    const file = await request(server).get(
      `${ENTITY}/checkout/artifacts/prometheus-rules`,
    );
    expect(parse(written)).toEqual(parse(file.text));
    expect(
      prometheus.requests.filter(r => r.url.startsWith('/-/reload')),
    ).toHaveLength(reloadsBefore + 1);
    expect(await fs.readdir(rulesDirectory)).toEqual([]);
  });

  it('answers 400 naming the configured targets for an unknown one in the request', async () => {
    const { server } = await startBackend();
    const res = await request(server)
      .post(`${ENTITY}/checkout/apply`)
      .send({ target: 'nowhere' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^Invalid target: 'nowhere'/);
    expect(res.body.error.message).toMatch(CONFIGURED);
    expect(ruler.requests).toEqual([]);
  });

  it('answers 400 naming target when both instance and target are given', async () => {
    const { server } = await startBackend();
    const res = await request(server)
      .post(`${ENTITY}/checkout/apply`)
      .send({ target: 'mimir', instance: 'main' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/target/);
  });

  it('refuses with 409 naming the configured targets when the entity names an unknown one, and records it', async () => {
    const { server } = await startBackend();
    const res = await request(server).post(`${ENTITY}/stray/apply`).send({});
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(
      /redline.dev\/rule-target names 'nowhere'/,
    );
    expect(res.body.error.message).toMatch(CONFIGURED);
    const [refused] = await historyOf(server, 'stray');
    expect(refused).toMatchObject({ outcome: 'refused', changed: false });
  });

  it("refuses with 409 a target whose owners do not hold the entity's owner, writing nothing", async () => {
    const { server } = await startBackend();
    const res = await request(server)
      .post(`${ENTITY}/checkout/apply`)
      .send({ target: 'finance-only' });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(
      /rule target 'finance-only' holds only the rules of entities owned by group:default\/finance, and component:default\/checkout is owned by group:default\/payments/,
    );
    expect(ruler.requests).toEqual([]);
    const [refused] = await historyOf(server, 'checkout');
    expect(refused).toMatchObject({
      outcome: 'refused',
      instance: 'finance-only',
      path: 'redline-component-default-checkout',
    });
  });

  it('still writes into the instance rules directory when no target is named', async () => {
    const { server } = await startBackend();
    const res = await request(server).post(`${ENTITY}/checkout/apply`).send({});
    expect(res.status).toBe(200);
    expect(res.body.target).toBeUndefined();
    expect(res.body.instance).toBe('main');
    expect(await fs.readdir(rulesDirectory)).toEqual([
      'redline-component-default-checkout.yaml',
    ]);
    expect(ruler.requests).toEqual([]);
  });
});
