import { resolveGeneratorConfig } from '../spec/config';
import { dashboardUrlFor, runbookUrlFor } from './links';
import { makeBareSpec, makeSpec } from './__testUtils__/makeSpec';

const config = resolveGeneratorConfig({
  portalBaseUrl: 'https://portal.example.com/',
});

describe('runbookUrlFor', () => {
  it("uses the entity's own runbook URL", () => {
    expect(runbookUrlFor(makeSpec(), config, 'HighErrorRate')).toBe(
      'https://wiki.example.com/runbooks/checkout',
    );
  });

  it("falls back to the portal's runbook page for this entity and alert (kind and namespace lower-cased)", () => {
    const spec = makeBareSpec({
      kind: 'Component',
      namespace: 'Payments',
      name: 'checkout',
    });
    expect(runbookUrlFor(spec, config, 'SLOErrorBudgetBurn')).toBe(
      'https://portal.example.com/observability/runbooks/payments/component/checkout/SLOErrorBudgetBurn',
    );
  });

  it('ignores runbook URLs that are not absolute http(s) links and encodes path segments', () => {
    const spec = makeBareSpec({
      name: 'a b/c',
      links: { runbookUrl: 'ftp://wiki.example.com/runbook' },
    });
    expect(runbookUrlFor(spec, config, 'HighErrorRate')).toBe(
      'https://portal.example.com/observability/runbooks/default/component/a%20b%2Fc/HighErrorRate',
    );
    expect(
      runbookUrlFor(
        makeBareSpec({ links: { runbookUrl: '/relative' } }),
        config,
        'X',
      ),
    ).toMatch(/^https:\/\/portal/);
  });
});

describe('dashboardUrlFor', () => {
  it("uses the entity's dashboard URL, else the entity's Observability tab", () => {
    expect(
      dashboardUrlFor(
        makeSpec({
          links: { dashboardUrl: 'https://grafana.example.com/d/x' },
        }),
        config,
      ),
    ).toBe('https://grafana.example.com/d/x');
    expect(dashboardUrlFor(makeBareSpec(), config)).toBe(
      'https://portal.example.com/catalog/default/component/checkout/observability',
    );
  });
});
