import type { FiringAlert } from '@redline/backstage-plugin-observability-common';
import { checkoutView } from '../../__testUtils__/fixtures';
import { entityLinksOut, prometheusGraphUrl, silenceUrl } from './linksOut';

describe('links out', () => {
  it("opens Prometheus' graph with the PromQL filled in", () => {
    const url = new URL(
      prometheusGraphUrl('http://prom:9090/', 'sum(rate(x{a="b"}[5m]))'),
    );
    expect(url.origin + url.pathname).toBe('http://prom:9090/graph');
    expect(url.searchParams.get('g0.expr')).toBe('sum(rate(x{a="b"}[5m]))');
  });

  it("opens Alertmanager's new-silence form with the alert's labels as matchers", () => {
    const alert: FiringAlert = {
      name: 'HighErrorRate',
      state: 'firing',
      labels: { alertname: 'HighErrorRate', service: 'check"out' },
      annotations: {},
      count: 1,
    };
    const url = silenceUrl('http://am:9093', alert);
    expect(url.startsWith('http://am:9093/#/silences/new?filter=')).toBe(true);
    expect(decodeURIComponent(url.split('filter=')[1])).toBe(
      '{alertname="HighErrorRate",service="check\\"out"}',
    );
  });

  it("names the entity's dashboard, logs and traces from its annotations", () => {
    const links = entityLinksOut({
      ...checkoutView.spec,
      links: {
        dashboardUrl: 'https://grafana.example.com/d/checkout',
        logQueryUrl:
          'https://logs.example.com/explore?service={service}&q=x_request_id%3D{correlation_id}',
        traceUrl:
          'https://traces.example.com/search?service={service}&traceID={trace_id}',
      },
    });
    expect(links).toEqual([
      {
        label: 'Grafana dashboard',
        href: 'https://grafana.example.com/d/checkout',
      },
      {
        label: 'Logs',
        href: 'https://logs.example.com/explore?service=checkout&q=x_request_id%3D',
      },
      {
        label: 'Traces',
        href: 'https://traces.example.com/search?service=checkout&traceID=',
      },
    ]);
    expect(entityLinksOut({ ...checkoutView.spec, links: {} })).toEqual([]);
  });
});
