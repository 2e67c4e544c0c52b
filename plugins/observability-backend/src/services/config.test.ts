import { ConfigReader } from '@backstage/config';
import {
  DEFAULT_RETRY_POLICY,
  readObservabilityConfig,
  selectInstance,
} from './config';

describe('readObservabilityConfig', () => {
  it('applies the seed defaults and takes the portal URL from app.baseUrl', () => {
    const config = readObservabilityConfig(
      new ConfigReader({ app: { baseUrl: 'https://portal.example.com/' } }),
    );
    expect(config.generator.portalBaseUrl).toBe('https://portal.example.com');
    expect(config.generator.metrics.requestsTotal).toBe('http_requests_total');
    expect(config.retry).toEqual({
      ...DEFAULT_RETRY_POLICY,
      openCircuitMs: 30000,
    });
    expect(DEFAULT_RETRY_POLICY).toEqual({
      attempts: 3,
      initialDelayMs: 1000,
      maxDelayMs: 8000,
    });
    expect(config.prometheus).toEqual({
      instances: [],
      timeoutMs: 5000,
      rulesCacheTtlMs: 30000,
      queryCacheTtlMs: 10000,
    });
    expect(config.runbookCheck).toEqual({ allowedHosts: [], timeoutMs: 3000 });
    expect(config.apply.promtoolPath).toBe('promtool');
  });

  it('reads every key', () => {
    const config = readObservabilityConfig(
      new ConfigReader({
        app: { baseUrl: 'https://ignored.example.com' },
        observability: {
          portalBaseUrl: 'https://backstage.example.com',
          metrics: { requestsTotal: 'requests_total', serviceLabel: 'app' },
          prometheus: {
            timeoutMs: 1000,
            rulesCacheTtlMs: 5000,
            instances: [
              {
                name: 'eu',
                url: 'http://prom-eu:9090/',
                rulesDirectory: '/rules',
              },
              { name: 'us', url: 'http://prom-us:9090', default: true },
            ],
          },
          alertmanager: {
            groupWait: '10s',
            stormThreshold: 50,
            cacheTtlMs: 2000,
            instances: [{ name: 'am', url: 'http://am:9093' }],
          },
          runbookCheck: {
            allowedHosts: ['Wiki.Example.com', '*.docs.example.com'],
            timeoutMs: 200,
          },
          retry: {
            attempts: 5,
            initialDelayMs: 10,
            maxDelayMs: 100,
            openCircuitMs: 0,
          },
          apply: { promtoolPath: '/opt/promtool' },
        },
      }),
    );
    expect(config.generator.portalBaseUrl).toBe(
      'https://backstage.example.com',
    );
    expect(config.generator.metrics).toMatchObject({
      requestsTotal: 'requests_total',
      serviceLabel: 'app',
      statusLabel: 'status',
    });
    expect(config.generator.alertmanager.groupWait).toBe('10s');
    expect(config.prometheus.instances).toEqual([
      {
        name: 'eu',
        url: 'http://prom-eu:9090',
        rulesDirectory: '/rules',
        default: false,
      },
      {
        name: 'us',
        url: 'http://prom-us:9090',
        rulesDirectory: undefined,
        default: true,
      },
    ]);
    expect(config.alertmanager).toEqual({
      stormThreshold: 50,
      cacheTtlMs: 2000,
      instances: [{ name: 'am', url: 'http://am:9093', default: false }],
    });
    expect(config.runbookCheck).toEqual({
      allowedHosts: ['wiki.example.com', '*.docs.example.com'],
      timeoutMs: 200,
    });
    expect(config.retry).toEqual({
      attempts: 5,
      initialDelayMs: 10,
      maxDelayMs: 100,
      openCircuitMs: 0,
    });
    expect(config.apply.promtoolPath).toBe('/opt/promtool');
  });

  it('rejects duplicate instance names and a nonsensical attempt count at startup', () => {
    expect(() =>
      readObservabilityConfig(
        new ConfigReader({
          observability: {
            prometheus: {
              instances: [
                { name: 'a', url: 'http://x' },
                { name: 'a', url: 'http://y' },
              ],
            },
          },
        }),
      ),
    ).toThrow(/Duplicate instance name 'a'/);
    expect(() =>
      readObservabilityConfig(
        new ConfigReader({ observability: { retry: { attempts: 0 } } }),
      ),
    ).toThrow(/attempts/);
  });

  it('refuses to start with a metric or label name Prometheus would reject, naming the key', () => {
    expect(() =>
      readObservabilityConfig(
        new ConfigReader({
          observability: { metrics: { serviceLabel: 'app-name' } },
        }),
      ),
    ).toThrow(
      'observability.metrics.serviceLabel must be a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __), got "app-name"',
    );
    expect(() =>
      readObservabilityConfig(
        new ConfigReader({
          observability: { metrics: { requestsTotal: 'http-requests' } },
        }),
      ),
    ).toThrow(
      /^observability\.metrics\.requestsTotal must be a Prometheus metric name/,
    );
  });
});

describe('observability.prometheus.instances[].rulesUrl', () => {
  const read = (instance: Record<string, string>) =>
    readObservabilityConfig(
      new ConfigReader({
        observability: {
          prometheus: {
            instances: [
              { name: 'prom', url: 'http://prom:9090' },
              { name: 'vm', url: 'http://vm:8428', ...instance },
            ],
          },
        },
      }),
    ).prometheus.instances;

  it('is absent unless set, and loses a trailing slash like url', () => {
    const [prom, vm] = read({ rulesUrl: 'http://vmalert:8880/' });
    expect(prom.rulesUrl).toBeUndefined();
    expect(vm).toMatchObject({
      url: 'http://vm:8428',
      rulesUrl: 'http://vmalert:8880',
    });
  });

  it('refuses to start on a value that is not an http(s) URL, naming the key but not the value', () => {
    for (const rulesUrl of ['vmalert:8880', 'ftp://vmalert/', 'not a url']) {
      expect(() => read({ rulesUrl })).toThrow(
        /^observability\.prometheus\.instances\[1\]\.rulesUrl must be an http\(s\) URL$/,
      );
    }
  });
});

describe('selectInstance', () => {
  const instances = [
    { name: 'eu', default: false },
    { name: 'us', default: true },
  ];
  it('takes the named instance, else the default, else the first', () => {
    expect(selectInstance(instances, 'eu').instance?.name).toBe('eu');
    expect(selectInstance(instances, undefined).instance?.name).toBe('us');
    expect(
      selectInstance([{ name: 'only', default: false }], undefined).instance
        ?.name,
    ).toBe('only');
  });
  it('explains a missing instance', () => {
    expect(selectInstance(instances, 'apac')).toEqual({
      reason:
        "instance 'apac' named by the entity is not configured (configured: eu, us)",
    });
    expect(selectInstance([], undefined)).toEqual({
      reason: 'no instance is configured',
    });
  });
});
