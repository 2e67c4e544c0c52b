import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { readObservabilityConfig } from './config';

function read(ruleTargets: JsonObject[]) {
  return readObservabilityConfig(
    new ConfigReader({ observability: { ruleTargets } }),
  );
}

describe('observability.ruleTargets', () => {
  it('is empty when not configured', () => {
    expect(readObservabilityConfig(new ConfigReader({})).ruleTargets).toEqual(
      [],
    );
  });

  it('reads owners as full group refs, and names a bad one by its key', () => {
    const target = {
      name: 'mimir-payments',
      type: 'mimir-ruler',
      url: 'http://mimir:8080',
      tenant: 'payments',
    };
    const [read1] = read([
      { ...target, owners: ['payments', 'group:platform/sre'] },
    ]).ruleTargets;
    expect(read1.owners).toEqual([
      'group:default/payments',
      'group:platform/sre',
    ]);
    expect(read1.options).not.toHaveProperty('owners');
    expect(() =>
      read([{ ...target, owners: ['payments', 'group:default/'] }]),
    ).toThrow('observability.ruleTargets[0].owners[1] is not an entity ref');
  });

  it('keeps each target with its own options beside name and type', () => {
    const { ruleTargets } = read([
      {
        name: 'vm',
        type: 'vmalert-file',
        url: 'http://vmalert:8880',
        rulesDirectory: '/etc/vmalert/rules',
      },
      {
        name: 'mimir',
        type: 'mimir-ruler',
        url: 'http://mimir:8080',
        tenant: 'platform',
        password: 's3cret',
        username: 'redline',
      },
    ]);
    expect(ruleTargets).toEqual([
      {
        name: 'vm',
        type: 'vmalert-file',
        options: {
          url: 'http://vmalert:8880',
          rulesDirectory: '/etc/vmalert/rules',
        },
      },
      {
        name: 'mimir',
        type: 'mimir-ruler',
        options: {
          url: 'http://mimir:8080',
          tenant: 'platform',
          password: 's3cret',
          username: 'redline',
        },
      },
    ]);
  });

  it('refuses to start on a bad target, naming the key but not the value', () => {
    expect(() =>
      read([{ name: 'p', type: 'prometheus-file', url: 'http://p:9090' }]),
    ).toThrow(
      /^observability\.ruleTargets\[0\]\.rulesDirectory is invalid for a prometheus-file target/,
    );
    expect(() => read([{ name: 'x', type: 'nagios' }])).toThrow(
      'observability.ruleTargets[0].type must be one of prometheus-file, vmalert-file, mimir-ruler',
    );
    let message = '';
    try {
      read([
        {
          name: 'm',
          type: 'mimir-ruler',
          url: 'http://m',
          bearerToken: '',
        },
      ]);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^observability\.ruleTargets\[0\]\.bearerToken /);
  });

  it('refuses two targets of one name', () => {
    const target = { type: 'mimir-ruler', url: 'http://m' };
    expect(() =>
      read([
        { name: 'a', ...target },
        { name: 'a', ...target },
      ]),
    ).toThrow(
      "observability.ruleTargets[1].name 'a' is used by another rule target",
    );
  });

  it("leaves a type's options to the plugin when asked not to check them", () => {
    // The scaffolder module cannot see kinds other modules add to the plugin.
    const config = new ConfigReader({
      observability: {
        ruleTargets: [
          { name: 'mem', type: 'memory', namespacePrefix: 'x/' },
          { name: 'mem', type: 'memory' },
        ],
      },
    });
    expect(() => readObservabilityConfig(config)).toThrow(
      'observability.ruleTargets[0].type must be one of',
    );
    // Names are still checked: they are the same for every kind.
    expect(() =>
      readObservabilityConfig(config, { ruleTargetKinds: 'unchecked' }),
    ).toThrow(
      "observability.ruleTargets[1].name 'mem' is used by another rule target",
    );
    expect(
      readObservabilityConfig(
        new ConfigReader({
          observability: { ruleTargets: [{ name: 'mem', type: 'memory' }] },
        }),
        { ruleTargetKinds: 'unchecked' },
      ).ruleTargets,
    ).toEqual([{ name: 'mem', type: 'memory', options: {} }]);
  });
});
