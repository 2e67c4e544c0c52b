import type { Entity } from '@backstage/catalog-model';
import { describeEntity } from '../describe/describeEntity';
import { resolveGeneratorConfig } from '../spec/config';
import { routingCheck } from './routingCheck';

const config = resolveGeneratorConfig({});

function described(name: string, team: string) {
  const entity: Entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name },
    spec: { type: 'service', lifecycle: 'production', owner: team },
  };
  return describeEntity(entity, config);
}

describe('routingCheck against a running Alertmanager', () => {
  // One configuration object, as a coverage run shares it between entities.
  const live = {
    status: 'ok' as const,
    source: 'main',
    config: {
      route: {
        receiver: 'default',
        routes: [{ matchers: ['team="payments"'], receiver: 'payments' }],
      },
      receivers: [
        { name: 'default' },
        {
          name: 'payments',
          slack_configs: [{ channel: '#payments-alerts' }],
        },
      ],
    },
  };

  it('judges each team by its own route, however often the same configuration is asked', () => {
    const checkout = described('checkout', 'payments');
    const search = described('search', 'discovery');
    const verdicts = [checkout, search, checkout, search].map(
      ({ spec, artifacts }) =>
        routingCheck(spec, artifacts, artifacts.findings, live),
    );
    expect(verdicts.map(v => v.status)).toEqual([
      'pass',
      'fail',
      'pass',
      'fail',
    ]);
    expect(verdicts[0].message).toMatch(
      /^Alerts for team="payments" go to receiver "payments" \(slack\)/,
    );
    expect(verdicts[1].message).toMatch(
      /^No Alertmanager route matches team="discovery"/,
    );
  });
});
