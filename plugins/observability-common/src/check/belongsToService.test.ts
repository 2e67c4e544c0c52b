import { makeSpec } from '../generate/__testUtils__/makeSpec';
import { DEFAULT_METRIC_NAMES } from '../spec';
import { belongsToService, RuleIndex } from './belongsToService';

describe('belongsToService', () => {
  const checkout = makeSpec();

  it('takes the static service label of an alert at its word', () => {
    expect(
      belongsToService(
        { labels: { service: 'checkout' }, query: 'up' },
        checkout,
      ),
    ).toBe(true);
    // A rule labelled for another service is not checkout's, whatever it selects.
    expect(
      belongsToService(
        {
          labels: { service: 'cart' },
          query: 'rate(http_requests_total{service="checkout"}[5m])',
        },
        checkout,
      ),
    ).toBe(false);
  });

  it('recognises recorded series and raw selectors in the query tree', () => {
    expect(
      belongsToService(
        {
          query:
            'sum by (service) (service:http_requests:rate5m{service="checkout"})',
        },
        checkout,
      ),
    ).toBe(true);
    expect(
      belongsToService(
        { query: 'sum(rate(http_requests_total{service="checkout-v2"}[5m]))' },
        checkout,
      ),
    ).toBe(false);
    // Text that merely contains the selector (a string literal) is not a selector.
    expect(
      belongsToService(
        { query: 'label_replace(up, "x", "service=\\"checkout\\"", "", "")' },
        checkout,
      ),
    ).toBe(false);
  });

  it('matches a multi-label selector only when every matcher is in one selector', () => {
    const spec = makeSpec({
      selector: {
        value: 'service="checkout",env="prod"',
        source: 'annotation',
      },
    });
    expect(
      belongsToService(
        {
          query:
            'rate(http_requests_total{env="prod",service="checkout",code="500"}[5m])',
        },
        spec,
      ),
    ).toBe(true);
    expect(
      belongsToService(
        {
          query:
            'rate(http_requests_total{env="staging",service="checkout"}[5m]) / rate(x{env="prod"}[5m])',
        },
        makeSpec({
          serviceName: { value: 'shop', source: 'annotation' },
          selector: spec.selector,
        }),
      ),
    ).toBe(false);
  });

  it('honours a configured service label', () => {
    const spec = makeSpec({
      metrics: { ...DEFAULT_METRIC_NAMES, serviceLabel: 'app' },
      selector: { value: 'app="checkout"', source: 'default' },
    });
    expect(belongsToService({ labels: { app: 'checkout' } }, spec)).toBe(true);
    expect(
      belongsToService(
        { query: 'app:http_requests:rate5m{app="checkout"}' },
        spec,
      ),
    ).toBe(true);
    expect(belongsToService({ labels: { service: 'checkout' } }, spec)).toBe(
      false,
    );
  });
});

describe('RuleIndex', () => {
  it('answers many services from one parse of each rule', () => {
    const rules = [
      { labels: { service: 'a' }, query: 'up' },
      { query: 'x:rate5m{service="b"}' },
      { query: 'rate(http_requests_total{service="a"}[5m])' },
    ];
    const index = new RuleIndex(rules, 'service');
    const spec = (name: string) =>
      makeSpec({
        name,
        serviceName: { value: name, source: 'default' },
        selector: { value: `service="${name}"`, source: 'default' },
      });
    expect(index.forService(spec('a'))).toEqual([rules[0], rules[2]]);
    expect(index.forService(spec('b'))).toEqual([rules[1]]);
    expect(index.forService(spec('c'))).toEqual([]);
  });
});
