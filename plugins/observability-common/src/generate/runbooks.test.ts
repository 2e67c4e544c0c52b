import { resolveGeneratorConfig } from '../spec/config';
import {
  escapeMarkdown,
  fillUrlTemplate,
  markdownCode,
  markdownFence,
  markdownLink,
} from './markdown';
import { generateRunbooks } from './runbooks';
import type { GeneratedAlert } from './types';
import { makeBareSpec, makeSpec } from './__testUtils__/makeSpec';

const config = resolveGeneratorConfig({
  portalBaseUrl: 'https://portal.example.com/',
});

function alert(
  name: string,
  extra: Partial<GeneratedAlert> = {},
): GeneratedAlert {
  return {
    name,
    key: name,
    severity: 'warning',
    for: '5m',
    expr: `sum(rate(http_requests_total{service="checkout",status=~"5.."}[5m])) > 0.01`,
    labels: { severity: 'warning', service: 'checkout', team: 'payments' },
    annotations: {
      summary: `${name} on checkout`,
      dashboard_url: 'https://grafana.example.com/d/redline-checkout',
    },
    runbookUrl: `https://portal.example.com/runbooks/${name}`,
    runbookPath: `runbooks/${name}.md`,
    ...extra,
  };
}

describe('generateRunbooks', () => {
  it('writes the five sections with this service’s dashboard, logs and traces', () => {
    const [runbook] = generateRunbooks(
      makeSpec(),
      [alert('HighErrorRate')],
      config,
    );
    expect(runbook.path).toBe('runbooks/HighErrorRate.md');
    expect(runbook.title).toBe('HighErrorRate — checkout');
    const md = runbook.markdown;
    for (const heading of [
      'Meaning',
      'Impact',
      'Diagnosis',
      'Mitigation',
      'Escalation',
    ]) {
      expect(md).toContain(`\n## ${heading}\n`);
    }
    expect(md).toContain(
      '[the service dashboard](https://portal.example.com/catalog/default/component/checkout/observability)',
    );
    expect(md).toContain(
      '[log search](https://grafana.example.com/explore?service=checkout&q={correlation_id})',
    );
    expect(md).toContain(
      '[trace view](https://tempo.example.com/trace/{trace_id}?service=checkout)',
    );
    expect(md).toContain('search by correlation ID');
    expect(md).toContain('Decision tree');
    expect(md).toContain('Missing span      → check instrumentation');
    expect(md).toContain('```promql\nsum(rate(http_requests_total');
    expect(md).toContain('Owning team: ` group:default/payments `');
    expect(md).toContain('PagerDuty service ` PABC123 `');
    expect(md).toContain(
      '[Checkout](https://portal.example.com/catalog/default/component/checkout)',
    );
  });

  it('shares one runbook between alerts of the same name and lists each variant', () => {
    const burn = (window: string, severity: 'critical' | 'warning') =>
      alert('SLOErrorBudgetBurn', {
        key: `SLOErrorBudgetBurn:availability:${window}`,
        severity,
        labels: {
          severity,
          service: 'checkout',
          team: 'payments',
          slo: 'availability',
          burn_window: window,
        },
      });
    const runbooks = generateRunbooks(
      makeSpec(),
      [burn('fast', 'critical'), burn('slow', 'warning'), alert('TrafficDrop')],
      config,
    );
    expect(runbooks.map(r => r.path)).toEqual([
      'runbooks/SLOErrorBudgetBurn.md',
      'runbooks/TrafficDrop.md',
    ]);
    expect(runbooks[0].markdown).toContain(
      'slo=availability, burn\\_window=fast',
    );
    expect(runbooks[0].markdown).toContain(
      'slo=availability, burn\\_window=slow',
    );
  });

  it('says what is missing when the entity declares nothing', () => {
    const [runbook] = generateRunbooks(
      makeBareSpec(),
      [alert('HighLatencyP99', { annotations: {} })],
      config,
    );
    expect(runbook.markdown).toContain(
      '[the service dashboard](https://portal.example.com/catalog/default/component/checkout/observability)',
    );
    expect(runbook.markdown).toContain('add `redline.dev/log-query-url`');
    expect(runbook.markdown).toContain('add `redline.dev/trace-url`');
    expect(runbook.markdown).toContain('**none**');
    expect(runbook.markdown).toContain('No pager is declared');
  });

  it('keeps hostile catalog text inert', () => {
    const spec = makeSpec({
      title: 'Evil](javascript:alert(1)) <script>x</script>\n# Heading',
      owner: 'group:default/`x`',
      links: {
        // eslint-disable-next-line no-script-url -- the hostile value under test
        logQueryUrl: 'javascript:alert(1)',
        traceUrl: 'https://t.example.com/a)(c',
      },
      routing: { slackChannel: 'x`y' },
    });
    const [runbook] = generateRunbooks(spec, [alert('HighErrorRate')], config);
    const md = runbook.markdown;
    expect(md).not.toContain('<script>');
    expect(md).not.toContain('](javascript:');
    expect(md).not.toMatch(/\n# Heading/);
    expect(md).toContain('[trace view](https://t.example.com/a%29%28c)');
    expect(md).toContain(
      'log search (not an http(s) URL: ` javascript:alert(1) `)',
    );
    expect(md).toContain('`` #x`y ``');
  });
});

describe('markdown helpers', () => {
  it('escapes punctuation and flattens lines', () => {
    expect(escapeMarkdown('*a*_b_ [c](d) <e> # f\ng | h')).toBe(
      '\\*a\\*\\_b\\_ \\[c\\]\\(d\\) \\<e\\> \\# f g \\| h',
    );
  });

  it('picks delimiters longer than the content’s backtick runs', () => {
    expect(markdownCode('a`b')).toBe('`` a`b ``');
    expect(markdownFence('```\nx', 'yaml')).toBe('````yaml\n```\nx\n````');
  });

  it('links only http(s) URLs', () => {
    expect(markdownLink('x', 'https://a.example/(b)')).toBe(
      '[x](https://a.example/%28b%29)',
    );
    expect(markdownLink('x', 'data:text/html,hi')).toBe(
      'x (not an http(s) URL: ` data:text/html,hi `)',
    );
    expect(markdownLink('x', 'https://a.example@evil.example/')).toBe(
      'x (not an http(s) URL: ` https://a.example@evil.example/ `)',
    );
  });

  it('fills known placeholders only, URI-encoded', () => {
    expect(
      fillUrlTemplate('https://l/{service}?id={correlation_id}', {
        service: 'a b&c',
      }),
    ).toBe('https://l/a%20b%26c?id={correlation_id}');
  });
});
