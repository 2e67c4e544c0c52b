import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { ObservabilityClient } from './ObservabilityClient';
import { checkoutView, demoRunbook } from '../__testUtils__/fixtures';
import {
  checkoutApplyHistory,
  coverageHistory,
  coverageResponse,
  sloAttainmentHistory,
} from '../__testUtils__/handWrittenFixtures';
import { checkoutSlos } from '../__testUtils__/sloFixtures';

const baseUrl = 'http://backend.test/api/observability';
const checkout = { kind: 'Component', namespace: 'Default', name: 'checkout' };

describe('ObservabilityClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const client = new ObservabilityClient({
    discoveryApi: { getBaseUrl: async id => `http://backend.test/api/${id}` },
    fetchApi: { fetch: (input, init) => fetch(input, init) },
  });

  it('fetches the entity view at the lower-cased entity path', async () => {
    server.use(
      http.get(`${baseUrl}/entity/component/default/checkout`, () =>
        HttpResponse.json(checkoutView),
      ),
    );
    await expect(client.getEntityView(checkout)).resolves.toEqual(checkoutView);
  });

  it('fetches the SLO status at the entity path plus /slos', async () => {
    server.use(
      http.get(`${baseUrl}/entity/component/default/checkout/slos`, () =>
        HttpResponse.json(checkoutSlos),
      ),
    );
    await expect(client.getEntitySlos(checkout)).resolves.toEqual(checkoutSlos);
  });

  it('rejects the SLO status with a ResponseError on a non-ok response', async () => {
    server.use(
      http.get(`${baseUrl}/entity/component/default/checkout/slos`, () =>
        HttpResponse.json(
          {
            error: { name: 'Error', message: 'Prometheus query failed' },
            response: { statusCode: 502 },
          },
          { status: 502 },
        ),
      ),
    );
    const error = await client.getEntitySlos(checkout).catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(502);
  });

  it('throws a ResponseError carrying the backend message on a non-ok response', async () => {
    server.use(
      http.get(`${baseUrl}/entity/component/default/nope`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotFoundError',
              message: 'No entity component:default/nope',
            },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      ),
    );
    const error = await client
      .getEntityView({ ...checkout, name: 'nope' })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(404);
    expect(error.cause.message).toBe('No entity component:default/nope');
  });

  it('escapes artifact ids and returns text with its media type', async () => {
    let seenPath = '';
    server.use(
      http.get(
        `${baseUrl}/entity/component/default/checkout/artifacts/:id`,
        ({ request }) => {
          seenPath = new URL(request.url).pathname;
          return new HttpResponse('# HighErrorRate', {
            headers: { 'Content-Type': 'text/markdown; charset=utf-8' },
          });
        },
      ),
    );
    const result = await client.getArtifact(checkout, 'runbook:HighErrorRate');
    expect(seenPath).toBe(
      '/api/observability/entity/component/default/checkout/artifacts/runbook%3AHighErrorRate',
    );
    expect(result).toEqual({
      content: '# HighErrorRate',
      mediaType: 'text/markdown',
    });
  });

  it('downloads the bundle with the server-provided file name', async () => {
    server.use(
      http.get(
        `${baseUrl}/entity/component/default/checkout/bundle.zip`,
        () =>
          new HttpResponse(new Uint8Array([80, 75, 3, 4]), {
            headers: {
              'Content-Type': 'application/zip',
              'Content-Disposition': 'attachment; filename="checkout.zip"',
            },
          }),
      ),
    );
    const file = await client.getBundle(checkout);
    expect(file.fileName).toBe('checkout.zip');
    expect(file.blob.size).toBe(4);
  });

  it('asks the bundle for the chosen files only', async () => {
    let search = '';
    server.use(
      http.get(
        `${baseUrl}/entity/component/default/checkout/bundle.zip`,
        ({ request }) => {
          search = new URL(request.url).search;
          return new HttpResponse('PK', { status: 200 });
        },
      ),
    );
    await client.getBundle(checkout, {
      files: ['prometheus-rules', 'runbook:HighErrorRate'],
    });
    expect(new URLSearchParams(search).getAll('file')).toEqual([
      'prometheus-rules',
      'runbook:HighErrorRate',
    ]);
  });

  it('posts the chosen files to the apply preview and returns its diff', async () => {
    let body: unknown;
    const preview = {
      entityRef: 'component:default/checkout',
      instance: 'default',
      fileName: 'redline-component-default-checkout.yaml',
      deployed: false,
      changed: true,
      diff: [{ kind: 'added', text: 'groups: []' }],
      added: 1,
      removed: 0,
    };
    server.use(
      http.post(
        `${baseUrl}/entity/component/default/checkout/apply/preview`,
        async ({ request }) => {
          body = await request.json();
          return HttpResponse.json(preview);
        },
      ),
    );
    expect(
      await client.previewApply(checkout, { files: ['prometheus-rules'] }),
    ).toEqual(preview);
    expect(body).toEqual({ files: ['prometheus-rules'] });
  });

  it('posts apply and surfaces a 403 as a ResponseError', async () => {
    let body: unknown;
    server.use(
      http.post(
        `${baseUrl}/entity/component/default/checkout/apply`,
        async ({ request }) => {
          body = await request.json();
          return HttpResponse.json(
            {
              error: {
                name: 'NotAllowedError',
                message: 'Not allowed to apply',
              },
              response: { statusCode: 403 },
            },
            { status: 403 },
          );
        },
      ),
    );
    const error = await client
      .applyArtifacts(checkout, {
        instance: 'default',
        files: ['prometheus-rules'],
      })
      .catch(e => e);
    expect(body).toEqual({ instance: 'default', files: ['prometheus-rules'] });
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(403);
  });

  it('passes coverage filters as query parameters, dropping empty ones', async () => {
    let search = '';
    server.use(
      http.get(`${baseUrl}/coverage`, ({ request }) => {
        search = new URL(request.url).search;
        return HttpResponse.json(coverageResponse);
      }),
    );
    await client.getCoverage({
      owner: ['payments', 'search'],
      tier: [],
      system: [''],
      page: 2,
      pageSize: 20,
      order: 'desc',
    });
    const params = new URLSearchParams(search);
    expect(params.getAll('owner')).toEqual(['payments', 'search']);
    expect(params.has('tier')).toBe(false);
    expect(params.has('system')).toBe(false);
    expect([
      params.get('page'),
      params.get('pageSize'),
      params.get('order'),
    ]).toEqual(['2', '20', 'desc']);
  });

  it('fetches a runbook by alert name', async () => {
    const runbook = demoRunbook('checkout', 'HighErrorRate');
    server.use(
      http.get(
        `${baseUrl}/entity/component/default/checkout/runbooks/HighErrorRate`,
        () => HttpResponse.json(runbook),
      ),
    );
    await expect(client.getRunbook(checkout, 'HighErrorRate')).resolves.toEqual(
      runbook,
    );
  });

  it('fetches the apply history from GET …/apply', async () => {
    let method = '';
    server.use(
      http.all(
        `${baseUrl}/entity/component/default/checkout/apply`,
        ({ request }) => {
          method = request.method;
          return HttpResponse.json(checkoutApplyHistory);
        },
      ),
    );
    await expect(client.getApplyHistory(checkout)).resolves.toEqual(
      checkoutApplyHistory,
    );
    expect(method).toBe('GET');
  });

  it('fetches coverage history for a team and exports CSV', async () => {
    server.use(
      http.get(`${baseUrl}/coverage/history`, ({ request }) =>
        HttpResponse.json(
          new URL(request.url).searchParams.get('team') === 'payments'
            ? coverageHistory
            : [],
        ),
      ),
      http.get(
        `${baseUrl}/coverage/export.csv`,
        () =>
          new HttpResponse(
            'entityRef,confidence\ncomponent:default/checkout,0.82\n',
            { headers: { 'Content-Type': 'text/csv' } },
          ),
      ),
    );
    await expect(
      client.getCoverageHistory({ team: 'payments' }),
    ).resolves.toHaveLength(3);
    const csv = await client.exportCoverageCsv({
      owner: ['group:default/payments'],
    });
    expect(csv.fileName).toBe('observability-coverage.csv');
    expect(await csv.blob.text()).toContain('component:default/checkout,0.82');
  });

  it("fetches one team's SLO attainment by month and exports it as CSV", async () => {
    const searches: string[] = [];
    server.use(
      http.get(`${baseUrl}/coverage/attainment`, ({ request }) => {
        searches.push(new URL(request.url).search);
        return HttpResponse.json(sloAttainmentHistory);
      }),
      http.get(`${baseUrl}/coverage/attainment.csv`, ({ request }) => {
        searches.push(new URL(request.url).search);
        return new HttpResponse(
          'month,team,sloMeetingShare\r\n2026-11,payments,0.7368\r\n',
          {
            headers: {
              'Content-Type': 'text/csv; charset=utf-8',
              'Content-Disposition':
                'attachment; filename="slo-attainment.csv"',
            },
          },
        );
      }),
    );
    await expect(
      client.getSloAttainment({ team: 'payments', from: '2026-10' }),
    ).resolves.toEqual(sloAttainmentHistory);
    await expect(client.getSloAttainment()).resolves.toEqual(
      sloAttainmentHistory,
    );
    const csv = await client.exportSloAttainmentCsv({ team: 'payments' });
    expect(searches).toEqual([
      '?team=payments&from=2026-10',
      '',
      '?team=payments',
    ]);
    expect(csv.fileName).toBe('slo-attainment.csv');
    expect(await csv.blob.text()).toContain('2026-11,payments,0.7368');
  });

  it('rejects with a ResponseError on an invalid attainment query', async () => {
    server.use(
      http.get(`${baseUrl}/coverage/attainment`, () =>
        HttpResponse.json(
          { error: { name: 'InputError', message: 'from must be a month' } },
          { status: 400 },
        ),
      ),
    );
    const error = await client
      .getSloAttainment({ from: '2026-13' })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(400);
  });

  it("downloads the catalog's Alertmanager config, or one team's", async () => {
    server.use(
      http.get(
        `${baseUrl}/alertmanager/config.yaml`,
        () =>
          new HttpResponse('route:\n  receiver: redline-default\n', {
            headers: {
              'Content-Type': 'text/yaml; charset=utf-8',
              'Content-Disposition': 'attachment; filename="alertmanager.yaml"',
            },
          }),
      ),
      http.get(
        `${baseUrl}/alertmanager/teams/payments/config.yaml`,
        () =>
          new HttpResponse('route: {}\n', {
            headers: {
              'Content-Disposition':
                'attachment; filename="payments-alertmanager.yaml"',
            },
          }),
      ),
    );
    const whole = await client.getCatalogAlertmanagerConfig();
    expect(whole.fileName).toBe('alertmanager.yaml');
    expect(await whole.blob.text()).toContain('receiver: redline-default');
    const team = await client.getCatalogAlertmanagerConfig({
      team: 'payments',
    });
    expect(team.fileName).toBe('payments-alertmanager.yaml');
  });
});
