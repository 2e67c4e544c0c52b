import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { UrlReaderService } from '@backstage/backend-plugin-api';
import {
  exportOpenSlo,
  parseOpenSloDocuments,
  parseSpec,
  renderOpenSloYaml,
  resolveGeneratorConfig,
} from '@redline/backstage-plugin-observability-common';
import request from 'supertest';
import { closedPortUrl } from '../__testUtils__/fakeServer';
import { component } from '../__testUtils__/entities';
import { observabilityPlugin } from '../plugin';

const API = '/api/observability';
const REPO = 'https://git.example.com/org/repo/blob/main/declared';

/** What a team's openslo.yaml beside its catalog-info.yaml holds: a 99.5 % availability SLO over 28 days. */
const openSloFile = renderOpenSloYaml(
  exportOpenSlo(
    parseSpec(
      component('declared', {
        'redline.dev/slo-availability': '99.5',
        'redline.dev/slo-window': '28d',
      }),
      resolveGeneratorConfig(),
    ).spec,
  ).documents,
);

const urlReader = mockServices.urlReader.mock({
  readUrl: async (url: string) => {
    if (url !== `${REPO}/openslo.yaml`) throw new Error(`not found: ${url}`);
    return { buffer: async () => Buffer.from(openSloFile) } as Awaited<
      ReturnType<UrlReaderService['readUrl']>
    >;
  },
});

async function startBackend() {
  const down = await closedPortUrl();
  const { server } = await startTestBackend({
    features: [
      observabilityPlugin,
      catalogServiceMock.factory({
        entities: [
          component('checkout', {
            'redline.dev/slo-availability': '99.9',
            'redline.dev/slo-latency': '99% < 300ms',
          }),
          component('cart', {}),
          component('declared', {
            'backstage.io/managed-by-location': `url:${REPO}/catalog-info.yaml`,
            'redline.dev/openslo': 'openslo.yaml',
          }),
        ],
      }),
      urlReader.factory,
      mockServices.rootConfig.factory({
        data: {
          observability: {
            prometheus: {
              instances: [{ name: 'down', url: down, default: true }],
            },
            retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 2 },
          },
        },
      }),
    ],
  });
  return server;
}

describe('GET /entity/:kind/:namespace/:name/openslo.yaml', () => {
  let server: Awaited<ReturnType<typeof startBackend>>;
  beforeAll(async () => {
    server = await startBackend();
  });

  it('downloads the SLOs as valid OpenSLO v1, even with Prometheus down', async () => {
    const res = await request(server)
      .get(`${API}/entity/component/default/checkout/openslo.yaml`)
      .buffer(true)
      .parse((r, done) => {
        let text = '';
        r.on('data', (chunk: Buffer) => (text += chunk.toString()));
        r.on('end', () => done(null, text));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/yaml/);
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="checkout-openslo.yaml"',
    );
    const parsed = parseOpenSloDocuments(res.body as string);
    expect(parsed.findings).toEqual([]);
    expect(
      parsed.documents.filter(d => d.kind === 'SLO').map(d => d.metadata.name),
    ).toEqual(['checkout-availability', 'checkout-latency']);
  });

  it('reads an OpenSLO file beside catalog-info.yaml through the URL reader', async () => {
    const res = await request(server)
      .get(`${API}/entity/component/default/declared/openslo.yaml`)
      .buffer(true)
      .parse((r, done) => {
        let text = '';
        r.on('data', (chunk: Buffer) => (text += chunk.toString()));
        r.on('end', () => done(null, text));
      });
    expect(res.status).toBe(200);
    expect(res.body).toBe(openSloFile);
    expect(urlReader.readUrl).toHaveBeenCalledWith(`${REPO}/openslo.yaml`);
  });

  it('404 for an entity without an SLO, and for an unknown one', async () => {
    const none = await request(server).get(
      `${API}/entity/component/default/cart/openslo.yaml`,
    );
    expect(none.status).toBe(404);
    expect(none.body.error.message).toContain('declares no SLO');
    const unknown = await request(server).get(
      `${API}/entity/component/default/nope/openslo.yaml`,
    );
    expect(unknown.status).toBe(404);
  });

  it('400 naming the field for bad input, never a stack', async () => {
    const res = await request(server).get(
      `${API}/entity/component/default/checkout/openslo.yaml?format=json`,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/query/);
    expect(JSON.stringify(res.body)).not.toMatch(/\bat \S+:\d+:\d+/);
  });
});
