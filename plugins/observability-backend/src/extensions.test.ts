/**
 * The extension points as another team would use them: a backend module of
 * its own adds an output (Datadog monitors) and a check, and both show up
 * wherever Redline's own do: the tab, the downloads and the coverage table.
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createBackendModule } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type {
  ArtifactGenerator,
  Check,
  CoverageEntityRow,
  EntityViewResponse,
  GeneratedArtifacts,
} from '@redline/backstage-plugin-observability-common';
import JSZip from 'jszip';
import request from 'supertest';
import {
  observabilityChecksExtensionPoint,
  observabilityGeneratorsExtensionPoint,
} from './extensions';
import { observabilityPlugin } from './plugin';
import { component } from './__testUtils__/entities';

const API = '/api/observability';

/** One Datadog monitor per generated alert, as a Datadog team might export them. */
function datadogMonitors(artifacts: GeneratedArtifacts) {
  return artifacts.alerts.map(alert => ({
    name: `[${artifacts.serviceName}] ${alert.name}`,
    type: 'query alert',
    query: alert.expr,
    message: `${alert.annotations.summary ?? alert.name} Runbook: ${
      alert.runbookUrl
    }`,
    tags: [`service:${artifacts.serviceName}`, `severity:${alert.severity}`],
  }));
}

const datadogGenerator: ArtifactGenerator = {
  id: 'datadog-monitors',
  generate: () => ({
    files: [
      {
        id: 'datadog-monitors',
        path: 'datadog-monitors.json',
        mediaType: 'application/json',
        label: 'Datadog monitors',
        render: artifacts =>
          `${JSON.stringify(datadogMonitors(artifacts), null, 2)}\n`,
      },
    ],
  }),
};

const hasTierCheck: Check = {
  id: 'custom.has-tier',
  evaluate: ({ spec }) => ({
    id: 'custom.has-tier',
    category: 'metadata',
    title: 'Tier is set',
    ...(spec.tier
      ? { status: 'pass' as const, message: `Tier ${spec.tier}.` }
      : {
          status: 'fail' as const,
          message: 'No tier: on-call cannot tell how urgent a page is.',
          fix: "metadata:\n  annotations:\n    redline.dev/tier: '2'",
        }),
  }),
};

const datadogModule = createBackendModule({
  pluginId: 'observability',
  moduleId: 'test-datadog',
  register(env) {
    env.registerInit({
      deps: {
        generators: observabilityGeneratorsExtensionPoint,
        checks: observabilityChecksExtensionPoint,
      },
      async init({ generators, checks }) {
        generators.addGenerator(datadogGenerator);
        checks.addCheck(hasTierCheck);
      },
    });
  },
});

const described = {
  'redline.dev/slo-availability': '99.9',
  'redline.dev/slack-channel': '#payments-alerts',
};

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'payments', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
  component('checkout', { ...described, 'redline.dev/tier': '1' }),
  component('cart', described),
];

describe('extension points used by another backend module', () => {
  async function startBackend() {
    const { server } = await startTestBackend({
      features: [
        observabilityPlugin,
        datadogModule,
        catalogServiceMock.factory({ entities }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://portal.test' },
            observability: {
              coverage: {
                schedule: {
                  frequency: { minutes: 30 },
                  timeout: { minutes: 1 },
                  initialDelay: { minutes: 5 },
                },
              },
            },
          },
        }),
      ],
    });
    return server;
  }

  let server: Awaited<ReturnType<typeof startBackend>>;
  beforeAll(async () => {
    server = await startBackend();
  });

  const view = async (name: string) => {
    const res = await request(server).get(
      `${API}/entity/component/default/${name}`,
    );
    expect(res.status).toBe(200);
    return res.body as EntityViewResponse;
  };

  it("the tab lists the module's artifact and its check, after Redline's own", async () => {
    const checkout = await view('checkout');
    expect(checkout.artifacts).toContainEqual({
      id: 'datadog-monitors',
      path: 'datadog-monitors.json',
      mediaType: 'application/json',
      label: 'Datadog monitors',
    });
    // Added outputs come after Redline's own files and before the runbooks.
    const ids = checkout.artifacts.map(a => a.id);
    const at = ids.indexOf('datadog-monitors');
    expect(ids.indexOf('prometheus-rules')).toBeLessThan(at);
    expect(ids.findIndex(id => id.startsWith('runbook:'))).toBeGreaterThan(at);
    expect(checkout.checks.at(-1)).toEqual({
      id: 'custom.has-tier',
      category: 'metadata',
      title: 'Tier is set',
      status: 'pass',
      message: 'Tier tier-1.',
    });

    const cart = await view('cart');
    expect(cart.checks.find(c => c.id === 'custom.has-tier')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('redline.dev/tier'),
    });
  });

  it("downloads the module's file, built from the entity's alerts, alone and in the bundle", async () => {
    const checkout = await view('checkout');
    const res = await request(server).get(
      `${API}/entity/component/default/checkout/artifacts/datadog-monitors`,
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(
      /attachment; filename="checkout-datadog-monitors.json"/,
    );
    const monitors = JSON.parse(res.text);
    expect(monitors).toHaveLength(checkout.alerts.length);
    expect(monitors.map((m: { query: string }) => m.query)).toEqual(
      checkout.alerts.map(a => a.expr),
    );
    expect(monitors[0]).toMatchObject({
      name: `[checkout] ${checkout.alerts[0].name}`,
      type: 'query alert',
      tags: ['service:checkout', `severity:${checkout.alerts[0].severity}`],
    });

    const bundle = await request(server)
      .get(`${API}/entity/component/default/checkout/bundle.zip`)
      .buffer(true)
      .parse((response, callback) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => callback(null, Buffer.concat(chunks)));
      });
    const zip = await JSZip.loadAsync(bundle.body as Buffer);
    expect(
      await zip.file('checkout/datadog-monitors.json')?.async('string'),
    ).toBe(res.text);
  });

  it('the coverage row counts the check when it fails', async () => {
    const auth = mockCredentials.user.header();
    const refresh = await request(server)
      .post(`${API}/coverage/refresh`)
      .set('Authorization', auth);
    expect(refresh.body).toEqual({ status: 'triggered' });
    const coverage = await request(server)
      .get(`${API}/coverage?sort=name`)
      .set('Authorization', auth);
    const rows = Object.fromEntries(
      (coverage.body.items as CoverageEntityRow[]).map(r => [r.name, r]),
    );

    const failing = (v: EntityViewResponse) =>
      v.checks.filter(c => c.status === 'fail').map(c => c.id);
    // The two entities differ only in their tier, and nothing else fails.
    expect(failing(await view('checkout'))).toEqual([]);
    expect(failing(await view('cart'))).toEqual(['custom.has-tier']);
    expect(rows.checkout).toMatchObject({ tier: 'tier-1', failingChecks: 0 });
    expect(rows.checkout.topFailingCheck).toBeUndefined();
    expect(rows.cart).toMatchObject({
      failingChecks: 1,
      topFailingCheck: 'Tier is set',
    });
    expect(rows.cart.tier).toBeUndefined();
  });
});
