import { makeSpec } from '../generate/__testUtils__/makeSpec';
import { generateArtifacts } from '../generate/generateArtifacts';
import { DEFAULT_GENERATOR_CONFIG } from '../spec/config';
import type { ObservabilitySpec } from '../spec/types';
import type { AlertmanagerApiAlert } from './apiTypes';
import { FactCycle, reasonOf } from './FactCycle';
import type { FactSources } from './sources';

function described(name: string, overrides: Partial<ObservabilitySpec> = {}) {
  const spec = makeSpec({
    name,
    serviceName: { value: name, source: 'default' },
    selector: { value: `service="${name}"`, source: 'default' },
    ...overrides,
  });
  return { spec, artifacts: generateArtifacts(spec, DEFAULT_GENERATOR_CONFIG) };
}

function firing(service: string, alertname: string): AlertmanagerApiAlert {
  return {
    fingerprint: `${service}-${alertname}`,
    labels: { alertname, service, severity: 'critical' },
    annotations: {},
    status: { state: 'active' },
  };
}

/** Sources answering from fixed data, counting every call. */
function fakeSources() {
  const calls = { rules: 0, series: 0, alerts: 0, owners: 0, runbooks: 0 };
  const checkout = described('checkout');
  const sources: FactSources = {
    prometheusRules: async () => {
      calls.rules++;
      return [
        {
          name: 'redline:checkout:red',
          file: 'redline-checkout.yaml',
          rules: checkout.artifacts.rules.groups.flatMap(g =>
            g.rules.map(r =>
              'alert' in r
                ? {
                    type: 'alerting' as const,
                    name: r.alert,
                    query: r.expr,
                    labels: r.labels,
                  }
                : {
                    type: 'recording' as const,
                    name: r.record,
                    query: r.expr,
                    labels: r.labels,
                  },
            ),
          ),
        },
      ];
    },
    seriesLabelSets: async () => {
      calls.series++;
      return [
        { __name__: 'http_requests_total', service: 'checkout' },
        {
          __name__: 'http_request_duration_seconds_bucket',
          service: 'checkout',
        },
        { __name__: 'http_requests_total', service: 'cart' },
      ];
    },
    alertmanagerAlerts: async (_instance, only) => {
      calls.alerts++;
      const all = [
        firing('checkout', 'HighErrorRate'),
        firing('cart', 'TrafficDrop'),
      ];
      return only ? all.filter(a => a.labels[only.label] === only.value) : all;
    },
    ownersExist: async refs => {
      calls.owners++;
      return new Map(refs.map(ref => [ref, ref === 'group:default/payments']));
    },
    probeRunbooks: async urls => {
      calls.runbooks++;
      return urls.map(url => ({ url, ok: true, status: 200 }));
    },
  };
  return { sources, calls };
}

describe('FactCycle', () => {
  it('gathers every fact of an entity from its sources', async () => {
    const { sources } = fakeSources();
    const { facts, alerts } = await new FactCycle(sources).gather(
      described('checkout'),
    );
    expect(facts.ownerExists).toBe(true);
    expect(facts.runbooks).toEqual([
      {
        url: 'https://wiki.example.com/runbooks/checkout',
        ok: true,
        status: 200,
      },
    ]);
    expect(facts.metrics).toEqual({
      status: 'ok',
      present: ['http_requests_total', 'http_request_duration_seconds_bucket'],
      missing: [],
    });
    expect(facts.deployedRules).toMatchObject({ status: 'ok' });
    expect(
      facts.deployedRules?.status === 'ok' && facts.deployedRules.loadedAlerts,
    ).toContain('HighErrorRate');
    expect(facts.lintFindings).toEqual(expect.any(Array));
    expect(alerts).toMatchObject({ status: 'ok', source: 'alertmanager' });
    expect(alerts.alerts.map(a => a.name)).toEqual(['HighErrorRate']);
  });

  it('asks each source once per instance for a whole batch, with the same facts as one entity alone', async () => {
    const { sources, calls } = fakeSources();
    const batch = new FactCycle(sources, { batch: true });
    const names = ['checkout', 'cart', 'search', 'checkout'];
    await batch.prefetchOwners(names.map(() => 'group:default/payments'));
    const inBatch = await Promise.all(
      names.map(n => batch.gather(described(n))),
    );
    // Every test entity shares one runbook link, probed once.
    expect(calls).toEqual({
      rules: 1,
      series: 1,
      alerts: 1,
      owners: 1,
      runbooks: 1,
    });

    for (const [i, name] of names.entries()) {
      const alone = await new FactCycle(fakeSources().sources).gather(
        described(name),
      );
      expect(inBatch[i]).toEqual(alone);
    }
    expect(inBatch[1].facts.metrics).toEqual({
      status: 'ok',
      present: ['http_requests_total'],
      missing: ['http_request_duration_seconds_bucket'],
    });
  });

  it('says why a fact is unknown, and falls back to logs when it can', async () => {
    const down = async () => {
      throw Object.assign(new Error('prometheus:default: connection refused'), {
        attempts: 3,
      });
    };
    const cycle = new FactCycle({
      prometheusRules: down,
      seriesLabelSets: down,
    });
    const withLogs = await cycle.gather(
      described('checkout', {
        links: { logSelector: '{app="checkout"}' },
      }),
    );
    expect(withLogs.facts.deployedRules).toEqual({
      status: 'unknown',
      reason: 'prometheus:default: connection refused after 3 attempts',
    });
    expect(withLogs.facts.metrics).toMatchObject({
      status: 'unknown',
      fallback: 'logs',
    });
    // Without an Alertmanager, live alerts come from Prometheus, which is down.
    expect(withLogs.alerts).toMatchObject({
      status: 'unknown',
      reason: 'prometheus:default: connection refused after 3 attempts',
    });
    const noLogs = await cycle.gather(described('cart', { links: {} }));
    expect(noLogs.facts.metrics).not.toHaveProperty('fallback');
  });

  it('leaves facts out when no source was asked, and an owner-less entity fails ownership', async () => {
    const { facts } = await new FactCycle({}).gather(
      described('checkout', { owner: '' }),
    );
    expect(facts).toEqual({ ownerExists: false });
  });
});

describe('reasonOf', () => {
  it('says how many attempts were made and why fewer than the policy allows', () => {
    expect(reasonOf(new Error('boom'))).toBe('boom');
    expect(reasonOf(Object.assign(new Error('refused'), { attempts: 3 }))).toBe(
      'refused after 3 attempts',
    );
    expect(
      reasonOf(
        Object.assign(new Error('refused'), {
          attempts: 2,
          note: 'no more attempts: the circuit opened',
        }),
      ),
    ).toBe('refused after 2 attempts; no more attempts: the circuit opened');
    expect(reasonOf('plain')).toBe('plain');
  });
});
