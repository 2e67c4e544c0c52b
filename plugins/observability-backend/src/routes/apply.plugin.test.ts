/**
 * Apply through the whole plugin, seen from the audit log: every attempt is an
 * `artifacts-apply` auditor event that ends in success or failure.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type {
  AuditorServiceCreateEventOptions,
  AuditorServiceEvent,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { JsonObject } from '@backstage/types';
import request from 'supertest';
import { FakeServer } from '../__testUtils__/fakeServer';
import { testEntities } from '../__testUtils__/entities';
import { observabilityPlugin } from '../plugin';

const API = '/api/observability';
const APPLY = `${API}/entity/component/default/checkout/apply`;

interface RecordedEvent {
  options: AuditorServiceCreateEventOptions;
  success: jest.MockedFunction<AuditorServiceEvent['success']>;
  fail: jest.MockedFunction<AuditorServiceEvent['fail']>;
}

describe('apply auditing', () => {
  let prometheus: FakeServer;
  let rulesDirectory: string;

  beforeAll(async () => {
    prometheus = await FakeServer.start();
    prometheus.otherwise(() => ({ status: 200, text: '' }));
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
  ) {
    const events: RecordedEvent[] = [];
    const auditor = mockServices.auditor.mock({
      createEvent: async options => {
        const event: RecordedEvent = {
          options,
          success: jest.fn(async (_?: { meta?: JsonObject }) => {}),
          fail: jest.fn(async (_: { meta?: JsonObject; error: Error }) => {}),
        };
        events.push(event);
        return event;
      },
    });
    const { server } = await startTestBackend({
      features: [
        observabilityPlugin,
        auditor.factory,
        catalogServiceMock.factory({
          entities: testEntities({
            runbookUrl: 'http://127.0.0.1:1/runbooks/checkout',
          }),
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
                    rulesDirectory,
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
        path: path.join(rulesDirectory, 'redline-checkout.yaml'),
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
});
