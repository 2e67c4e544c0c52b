import { resolveGeneratorConfig } from '../spec/config';
import {
  generateGrafanaDashboard,
  grafanaDashboardUid,
  renderGrafanaDashboardJson,
} from './grafanaDashboard';
import { makeBareSpec, makeSpec } from './__testUtils__/makeSpec';

const config = resolveGeneratorConfig({
  portalBaseUrl: 'https://portal.example.com',
});

type Panel = {
  type: string;
  title: string;
  fieldConfig?: {
    defaults: {
      unit?: string;
      thresholds?: { steps: Array<{ value: number | null }> };
    };
  };
  targets?: Array<{ expr: string; legendFormat?: string; refId?: string }>;
};

function panels(spec = makeSpec()) {
  const json = JSON.parse(
    renderGrafanaDashboardJson(generateGrafanaDashboard(spec, config)),
  );
  return { json, panels: json.panels as Panel[] };
}

describe('generateGrafanaDashboard', () => {
  it('plots rate, error ratio and latency quantiles against the thresholds', () => {
    const spec = makeSpec({
      thresholds: {
        rateDropPercent: { value: 50, source: 'default' },
        errorRatePercent: { value: 2.5, source: 'annotation' },
        latencyP99Ms: { value: 300, source: 'annotation' },
      },
    });
    const { json, panels: all } = panels(spec);
    expect(json.uid).toBe('redline-checkout');
    expect(json.templating.list[0]).toMatchObject({
      type: 'datasource',
      name: 'datasource',
      query: 'prometheus',
    });

    const rate = all.find(p => p.title === 'Request rate')!;
    expect(rate.targets![0].expr).toBe(
      'sum(rate(http_requests_total{service="checkout"}[5m]))',
    );

    const errors = all.find(p => p.title === 'Error ratio')!;
    expect(errors.targets![0].expr).toBe(
      'sum(rate(http_requests_total{service="checkout",status=~"5.."}[5m])) / sum(rate(http_requests_total{service="checkout"}[5m]))',
    );
    expect(errors.fieldConfig!.defaults.unit).toBe('percentunit');
    expect(errors.fieldConfig!.defaults.thresholds!.steps[1].value).toBe(0.025);

    const latency = all.find(p => p.title === 'Latency P50 / P90 / P99')!;
    expect(latency.targets!.map(t => [t.legendFormat, t.refId])).toEqual([
      ['P50', 'A'],
      ['P90', 'B'],
      ['P99', 'C'],
    ]);
    expect(latency.targets![2].expr).toBe(
      'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="checkout"}[5m])))',
    );
    expect(latency.fieldConfig!.defaults.thresholds!.steps[1].value).toBe(0.3);
  });

  it('shows the error budget left for each SLO', () => {
    const spec = makeSpec({
      slos: [
        {
          slo: 'availability',
          objectivePercent: 99.9,
          windowDays: 30,
          window: { type: 'rolling', days: 30 },
          annotation: 'a',
        },
        {
          slo: 'latency',
          objectivePercent: 99,
          thresholdSeconds: 0.5,
          windowDays: 30,
          window: { type: 'rolling', days: 30 },
          annotation: 'b',
        },
      ],
    });
    const budget = panels(spec).panels.filter(p =>
      p.title.startsWith('Error budget remaining'),
    );
    expect(budget.map(p => p.targets![0].expr)).toEqual([
      'max(slo:period_error_budget_remaining:ratio{service="checkout",slo="availability"})',
      'max(slo:period_error_budget_remaining:ratio{service="checkout",slo="latency"})',
    ]);
  });

  it('has no budget panel and only the portal link when nothing is declared', () => {
    const { json, panels: all } = panels(makeBareSpec());
    expect(all.some(p => p.title.startsWith('Error budget'))).toBe(false);
    expect(
      json.links.map((l: { title: string; url: string }) => [l.title, l.url]),
    ).toEqual([
      [
        'Service in portal',
        'https://portal.example.com/catalog/default/component/checkout',
      ],
    ]);
  });

  it('links to the service’s logs, traces and runbook', () => {
    const { json } = panels();
    expect(
      json.links.map((l: { title: string; url: string }) => [l.title, l.url]),
    ).toEqual([
      ['Logs', 'https://grafana.example.com/explore?service=checkout&q='],
      ['Traces', 'https://tempo.example.com/trace/?service=checkout'],
      ['Runbook', 'https://wiki.example.com/runbooks/checkout'],
      [
        'Service in portal',
        'https://portal.example.com/catalog/default/component/checkout',
      ],
    ]);
  });

  it('keeps catalog text literal in JSON and Grafana variables', () => {
    const spec = makeSpec({
      title: 'Evil "title" \\ ${datasource}',
      serviceName: { value: 'a"b', source: 'annotation' },
      links: { logQueryUrl: 'https://l.example/$__all?x={service}' },
    });
    const { json } = panels(spec);
    expect(json.title).toBe('Evil "title" \\ ${datasource} — RED (Redline)');
    expect(json.links[0].url).toBe('https://l.example/%24__all?x=a%22b');
  });
});

describe('grafanaDashboardUid', () => {
  it('is redline-<service> when that is a valid uid', () => {
    expect(grafanaDashboardUid('checkout')).toBe('redline-checkout');
  });

  it('stays within 40 characters and distinct for long or odd names', () => {
    const long = 'a-really-long-service-name-that-exceeds-the-limit';
    const uid = grafanaDashboardUid(long);
    expect(uid.length).toBeLessThanOrEqual(40);
    expect(uid).toMatch(/^redline-a-really-long[a-zA-Z0-9_-]*$/);
    expect(grafanaDashboardUid(`${long}-2`)).not.toBe(uid);
    expect(grafanaDashboardUid('a b')).not.toBe(grafanaDashboardUid('a_b'));
    expect(grafanaDashboardUid('a b')).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
  });
});
