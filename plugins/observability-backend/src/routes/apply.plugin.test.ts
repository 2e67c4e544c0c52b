/**
 * Apply through the whole plugin, seen from the audit log and the apply
 * history: every attempt is an `artifacts-apply` auditor event that ends in
 * success or failure, and a history row with its outcome.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import type { Entity } from '@backstage/catalog-model';
import type { ApplyHistoryResponse } from '@redline/backstage-plugin-observability-common';
import { FakeServer, startEmptyPrometheus } from '../__testUtils__/fakeServer';
import { component, testEntities } from '../__testUtils__/entities';
import { observabilityPlugin } from '../plugin';
import { recordingAuditor } from '../__testUtils__/recordingAuditor';

const API = '/api/observability';
const APPLY = `${API}/entity/component/default/checkout/apply`;

/** Claims checkout's service name with a selector that matches nothing. */
const svcCollide = component('svc-collide', {
  'redline.dev/service-name': 'checkout',
  'redline.dev/metrics-selector': 'job="matches-nothing"',
});
const aliceNguyen: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: 'alice-nguyen', namespace: 'default' },
  spec: {},
};

describe('apply auditing', () => {
  let prometheus: FakeServer;
  let rulesDirectory: string;

  beforeAll(async () => {
    prometheus = await startEmptyPrometheus();
  });
  beforeEach(async () => {
    rulesDirectory = await fs.mkdtemp(path.join(os.tmpdir(), 'redline-audit-'));
  });
  afterEach(async () => {
    await fs.rm(rulesDirectory, { recursive: true, force: true });
  });
  afterAll(async () => {
    await prometheus.stop();
  });

  async function startBackend(
    permission: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
    setup: { rulesDirectory?: string } = {},
  ) {
    const { auditor, events } = recordingAuditor();
    const { server } = await startTestBackend({
      features: [
        observabilityPlugin,
        auditor.factory,
        catalogServiceMock.factory({
          entities: [
            ...testEntities({
              runbookUrl: 'http://127.0.0.1:1/runbooks/checkout',
            }),
            svcCollide,
            aliceNguyen,
          ],
        }),
        mockServices.permissions.factory({ result: permission }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://portal.test' },
            observability: {
              prometheus: {
                timeoutMs: 300,
                instances: [
                  {
                    name: 'main',
                    url: prometheus.url,
                    default: true,
                    rulesDirectory: setup.rulesDirectory ?? rulesDirectory,
                  },
                  { name: 'readonly', url: prometheus.url },
                ],
              },
              retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1 },
              apply: { promtoolPath: '/nonexistent/promtool' },
            },
          },
        }),
      ],
    });
    return { server, events };
  }

  it('records a successful apply with entity, instance and whether the file changed', async () => {
    const { server, events } = await startBackend(AuthorizeResult.ALLOW);

    const res = await request(server).post(APPLY).send({});
    expect(res.status).toBe(200);

    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event.options).toMatchObject({
      eventId: 'artifacts-apply',
      severityLevel: 'medium',
      meta: { entityRef: 'component:default/checkout' },
    });
    // The request is passed so the auditor can name the caller.
    expect(event.options.request?.originalUrl).toBe(APPLY);
    expect(event.success).toHaveBeenCalledWith({
      meta: {
        entityRef: 'component:default/checkout',
        instance: 'main',
        changed: true,
        path: path.join(
          rulesDirectory,
          'redline-component-default-checkout.yaml',
        ),
        validated: 'skipped',
        reloadStatus: 'ok',
      },
    });
    expect(event.fail).not.toHaveBeenCalled();

    await request(server).post(APPLY).send({});
    expect(events[1].success).toHaveBeenCalledWith({
      meta: expect.objectContaining({ changed: false }),
    });
  });

  it('records a failure when the instance cannot take rules, and nothing is written', async () => {
    const { server, events } = await startBackend(AuthorizeResult.ALLOW);

    const res = await request(server)
      .post(APPLY)
      .send({ instance: 'readonly' });
    expect(res.status).toBe(409);

    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event.options.meta).toEqual({
      entityRef: 'component:default/checkout',
      instance: 'readonly',
    });
    expect(event.success).not.toHaveBeenCalled();
    expect(event.fail).toHaveBeenCalledWith({
      error: expect.objectContaining({
        name: 'ConflictError',
        message: expect.stringMatching(/no rulesDirectory/),
      }),
    });
    expect(await fs.readdir(rulesDirectory)).toEqual([]);
  });

  it('records a refusal when the caller lacks the apply permission', async () => {
    const { server, events } = await startBackend(AuthorizeResult.DENY);

    const res = await request(server)
      .post(APPLY)
      .set('Authorization', mockCredentials.user.header('user:default/mallory'))
      .send({});
    expect(res.status).toBe(403);

    expect(events).toHaveLength(1);
    expect(events[0].success).not.toHaveBeenCalled();
    expect(events[0].fail).toHaveBeenCalledWith({
      error: expect.objectContaining({ name: 'NotAllowedError' }),
    });
  });

  it('records a failure for a request it rejects as invalid, without the invalid values', async () => {
    const { server, events } = await startBackend(AuthorizeResult.ALLOW);

    const res = await request(server)
      .post(`${API}/entity/component/default/bad%20name/apply`)
      .send({ instance: 42 });
    expect(res.status).toBe(400);

    expect(events).toHaveLength(1);
    expect(events[0].options.meta).toEqual({});
    expect(events[0].fail).toHaveBeenCalledWith({
      error: expect.objectContaining({ name: 'InputError' }),
    });
  });

  async function historyOf(server: Parameters<typeof request>[0], ref: string) {
    const res = await request(server).get(`${API}/entity/${ref}/apply`);
    expect(res.status).toBe(200);
    return (res.body as ApplyHistoryResponse).items;
  }

  it("refuses with 409 naming the owner when an entity would replace another's rules, and both histories tell", async () => {
    const { server, events } = await startBackend(AuthorizeResult.ALLOW);
    expect((await request(server).post(APPLY).send({})).status).toBe(200);
    const checkoutFile = path.join(
      rulesDirectory,
      'redline-component-default-checkout.yaml',
    );
    const before = await fs.readFile(checkoutFile, 'utf8');

    const res = await request(server)
      .post(`${API}/entity/component/default/svc-collide/apply`)
      .send({});
    expect(res.status).toBe(409);
    expect(res.body.error.name).toBe('ConflictError');
    expect(res.body.error.message).toMatch(
      /rule group 'redline:checkout:[a-z:]+' on Prometheus instance 'main' is already defined by component:default\/checkout/,
    );
    expect(await fs.readFile(checkoutFile, 'utf8')).toBe(before);
    expect(await fs.readdir(rulesDirectory)).toEqual([
      'redline-component-default-checkout.yaml',
    ]);
    expect(events[1].fail).toHaveBeenCalledWith({
      error: expect.objectContaining({ name: 'ConflictError' }),
    });

    const [refused] = await historyOf(server, 'component/default/svc-collide');
    expect(refused).toMatchObject({
      outcome: 'refused',
      instance: 'main',
      changed: false,
      message: res.body.error.message,
    });
    expect(
      (await historyOf(server, 'component/default/checkout')).map(
        i => i.outcome,
      ),
    ).toEqual(['applied']);
  });

  it('answers 400 naming the kind for a User, before any file work, and records the refusal', async () => {
    const { server } = await startBackend(AuthorizeResult.ALLOW);
    const res = await request(server)
      .post(`${API}/entity/user/default/alice-nguyen/apply`)
      .send({});
    expect(res.status).toBe(400);
    expect(res.body.error.name).toBe('InputError');
    expect(res.body.error.message).toMatch(/Component.*kind 'user'/);
    expect(await fs.readdir(rulesDirectory)).toEqual([]);
    expect(await historyOf(server, 'user/default/alice-nguyen')).toEqual([
      expect.objectContaining({ outcome: 'refused', path: '' }),
    ]);
  });

  it('answers a typed 503 without server paths or errno when the rules directory cannot be written, and records it as failed', async () => {
    // A regular file where the directory should be: writing fails even as root.
    const notADirectory = path.join(rulesDirectory, 'rules');
    await fs.writeFile(notADirectory, '');
    const { server, events } = await startBackend(AuthorizeResult.ALLOW, {
      rulesDirectory: notADirectory,
    });
    const res = await request(server).post(APPLY).send({});
    expect(res.status).toBe(503);
    expect(res.body.error.name).toBe('ServiceUnavailableError');
    expect(res.body.error.message).toMatch(
      /^The rules directory of Prometheus instance 'main' is not a directory\. Ask an operator/,
    );
    const body = JSON.stringify(res.body);
    expect(body).not.toContain(rulesDirectory);
    expect(body).not.toMatch(/ENOTDIR|EEXIST|errno|syscall|\.tmp/);
    expect(events[0].fail).toHaveBeenCalled();

    expect(await historyOf(server, 'component/default/checkout')).toEqual([
      expect.objectContaining({
        outcome: 'failed',
        message: res.body.error.message,
        changed: false,
        reload: { status: 'skipped' },
      }),
    ]);
  });

  it('of 10 parallel applies of the same rules exactly one writes and reloads', async () => {
    const { server } = await startBackend(AuthorizeResult.ALLOW);
    prometheus.reset();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => request(server).post(APPLY).send({})),
    );
    expect(answers.map(a => a.status)).toEqual(Array(10).fill(200));
    expect(answers.filter(a => a.body.changed)).toHaveLength(1);
    expect(prometheus.requestsTo('/-/reload')).toHaveLength(1);
    const outcomes = (await historyOf(server, 'component/default/checkout'))
      .map(i => i.outcome)
      .sort();
    expect(outcomes).toEqual(['applied', ...Array(9).fill('unchanged')]);
  });
});
