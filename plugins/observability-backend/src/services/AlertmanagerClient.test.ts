import { mockServices } from '@backstage/backend-test-utils';
import { backgroundContext } from '../telemetry/context';
import { AlertmanagerClient } from './AlertmanagerClient';

const ctx = () => backgroundContext(mockServices.logger.mock());

describe('AlertmanagerClient', () => {
  function client(cacheTtlMs: number) {
    let now = 0;
    const urls: string[] = [];
    const http = {
      json: async (request: { url: string }) => {
        urls.push(request.url);
        return [{ labels: { alertname: 'HighErrorRate' } }];
      },
    };
    const am = AlertmanagerClient.create({
      instance: { name: 'main', url: 'http://am.test', default: true },
      http: http as any,
      cacheTtlMs,
      now: () => now,
    });
    return { am, urls, advance: (ms: number) => (now += ms) };
  }

  it("shares one answer per question within the TTL, the entity's filter included", async () => {
    const { am, urls, advance } = client(10_000);
    const checkout = { label: 'service', value: 'checkout' };
    await Promise.all([am.alerts(ctx(), checkout), am.alerts(ctx(), checkout)]);
    await am.alerts(ctx(), checkout);
    await am.alerts(ctx(), { label: 'service', value: 'billing' });
    expect(urls).toHaveLength(2);
    expect(new URL(urls[0]).searchParams.get('filter')).toBe(
      'service="checkout"',
    );
    advance(10_001);
    await am.alerts(ctx(), checkout);
    expect(urls).toHaveLength(3);
  });

  it('asks every time when the TTL is 0', async () => {
    const { am, urls } = client(0);
    await am.alerts(ctx());
    await am.alerts(ctx());
    expect(urls).toHaveLength(2);
  });
});
