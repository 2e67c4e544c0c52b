import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { ObservabilityClient } from './ObservabilityClient';

const baseUrl = 'http://backend.test/api/observability';
const checkout = { kind: 'Component', namespace: 'Default', name: 'checkout' };
const BACKTEST = `${baseUrl}/entity/component/default/checkout/backtest`;

describe('ObservabilityClient.getEntityBacktest', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const client = new ObservabilityClient({
    discoveryApi: { getBaseUrl: async id => `http://backend.test/api/${id}` },
    fetchApi: { fetch: (input, init) => fetch(input, init) },
  });

  it('asks the backtest route with the window and instance given', async () => {
    const seen: string[] = [];
    server.use(
      http.get(BACKTEST, ({ request }) => {
        seen.push(new URL(request.url).search);
        return HttpResponse.json({ entityRef: 'component:default/checkout' });
      }),
    );
    await expect(
      client.getEntityBacktest(checkout, { days: 30, instance: 'eu' }),
    ).resolves.toEqual({ entityRef: 'component:default/checkout' });
    await client.getEntityBacktest(checkout);
    await client.getEntityBacktest(checkout, {
      thresholds: { errorRateThreshold: '2.5', latencyP99Threshold: '' },
    });
    expect(seen).toEqual([
      '?days=30&instance=eu',
      '',
      '?errorRateThreshold=2.5',
    ]);
  });

  it('downloads the OpenSLO documents under the name the backend gives', async () => {
    server.use(
      http.get(
        `${baseUrl}/entity/component/default/checkout/openslo.yaml`,
        () =>
          new HttpResponse('apiVersion: openslo/v1\n', {
            headers: {
              'content-type': 'application/yaml',
              'content-disposition':
                'attachment; filename="checkout-openslo.yaml"',
            },
          }),
      ),
    );
    const file = await client.getOpenSlo(checkout);
    expect(file.fileName).toBe('checkout-openslo.yaml');
    expect(await file.blob.text()).toBe('apiVersion: openslo/v1\n');
  });

  it('rejects with a ResponseError carrying the 400 that names the field', async () => {
    server.use(
      http.get(BACKTEST, () =>
        HttpResponse.json(
          {
            error: {
              name: 'InputError',
              message: 'days: must be at most 30 days',
            },
          },
          { status: 400 },
        ),
      ),
    );
    const failure = client.getEntityBacktest(checkout, { days: 31 });
    await expect(failure).rejects.toBeInstanceOf(ResponseError);
    await expect(failure).rejects.toMatchObject({ statusCode: 400 });
    const error = (await failure.catch(e => e)) as ResponseError;
    expect(error.body.error.message).toContain('days: must be at most 30 days');
  });
});
