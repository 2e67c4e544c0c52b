/**
 * The mimir-ruler target against an in-process server that implements the
 * ruler configuration API as Mimir's reference documentation describes it
 * (see `__testUtils__/rulerApiServer.ts`). No real Mimir or Cortex ran here.
 */
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { mockServices } from '@backstage/backend-test-utils';
import fc from 'fast-check';
import {
  changesNothing,
  diffRuleGroups,
  type RuleGroup,
} from '@redline/backstage-plugin-observability-common';
import { FakeServer } from '../__testUtils__/fakeServer';
import { OutboundHttp } from '../services/OutboundHttp';
import { OutboundError } from '../services/retry';
import type { RequestContext } from '../telemetry/context';
import {
  startRulerApiServer,
  type RulerApiServer,
} from './__testUtils__/rulerApiServer';
import { createRuleTarget } from './registry';
import { diffNamespace, type RuleTarget } from './RuleTarget';

const ctx: RequestContext = {
  correlationId: 'mimir-test',
  logger: mockServices.logger.mock(),
  trace: ROOT_CONTEXT,
};
const ENTITY = 'component:default/checkout';
const NAMESPACE = 'redline-component-default-checkout';
const errors: RuleGroup = {
  name: 'checkout-errors',
  interval: '1m',
  rules: [
    {
      alert: 'HighErrorRate',
      expr: 'job:errors:ratio5m > 0.05',
      for: '5m',
      labels: { team: 'payments' },
      annotations: { runbook_url: 'https://runbooks.example/errors' },
    },
  ],
};
const red: RuleGroup = {
  name: 'checkout-red',
  rules: [{ record: 'job:errors:ratio5m', expr: 'sum(rate(e[5m]))' }],
};

function targetFor(
  server: RulerApiServer,
  options: Record<string, unknown> = {},
): RuleTarget {
  return createRuleTarget(
    {
      name: 'mimir',
      type: 'mimir-ruler',
      options: { url: server.url, tenant: 'team-payments', ...options },
    },
    {
      http: OutboundHttp.create({
        retry: { attempts: 3, initialDelayMs: 1, maxDelayMs: 5 },
        timeoutMs: 2000,
      }),
    },
    'observability.ruleTargets[0]',
  );
}

describe('mimir-ruler target', () => {
  let server: RulerApiServer;
  afterEach(() => server.close());

  it('posts one YAML group per request under the tenant, and reads them back', async () => {
    server = await startRulerApiServer();
    const target = targetFor(server);
    await target.write(ENTITY, [errors, red], ctx);

    const posts = server.requests.filter(r => r.method === 'POST');
    expect(posts).toHaveLength(2);
    for (const post of posts) {
      expect(post.path).toBe(`/prometheus/config/v1/rules/${NAMESPACE}`);
      expect(post.tenant).toBe('team-payments');
      expect(post.contentType).toBe('application/yaml');
    }
    const stored = server.tenants.get('team-payments')?.get(NAMESPACE);
    expect([...(stored?.keys() ?? [])].sort()).toEqual([
      'checkout-errors',
      'checkout-red',
    ]);
    expect(
      changesNothing(await diffNamespace(target, ENTITY, [errors, red], ctx)),
    ).toBe(true);
  });

  it('writes nothing when the namespace already matches', async () => {
    server = await startRulerApiServer();
    const target = targetFor(server);
    await target.write(ENTITY, [errors, red], ctx);
    server.requests.length = 0;
    await target.write(ENTITY, [errors, red], ctx);
    expect(server.requests.map(r => r.method)).toEqual(['GET']);
  });

  it('writes the changed group and deletes the removed one, after the write', async () => {
    server = await startRulerApiServer();
    const target = targetFor(server);
    await target.write(ENTITY, [errors, red], ctx);
    server.requests.length = 0;
    const edited = { ...errors, interval: '30s' };
    await target.write(ENTITY, [edited], ctx);
    expect(server.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      `GET /prometheus/config/v1/rules/${NAMESPACE}`,
      `POST /prometheus/config/v1/rules/${NAMESPACE}`,
      `DELETE /prometheus/config/v1/rules/${NAMESPACE}/checkout-red`,
    ]);
    expect((await target.read(ENTITY, ctx)).map(g => g.name)).toEqual([
      'checkout-errors',
    ]);
  });

  it('deletes its namespace and leaves namespaces it did not create', async () => {
    server = await startRulerApiServer();
    const target = targetFor(server);
    server.tenants.set(
      'team-payments',
      new Map([
        ['hand-written', new Map([['mine', { name: 'mine', rules: [] }]])],
      ]),
    );
    await target.write(ENTITY, [errors], ctx);
    await target.delete(ENTITY, ctx);
    expect(await target.read(ENTITY, ctx)).toEqual([]);
    expect([...server.tenants.get('team-payments')!.keys()]).toEqual([
      'hand-written',
    ]);
  });

  it('lists the namespaces it created in one request, by entity ref, and no others', async () => {
    server = await startRulerApiServer();
    const target = targetFor(server);
    expect(await target.list(ctx)).toEqual([]);
    // A namespace with `-` cannot be spelled readably: the ref is in hex.
    const teamRef = 'component:my-team/billing';
    await target.write(ENTITY, [errors, red], ctx);
    await target.write(teamRef, [red], ctx);
    const stored = server.tenants.get('team-payments')!;
    const foreign = (name: string) =>
      new Map([[name, { name, rules: [{ record: name, expr: 'vector(1)' }] }]]);
    stored.set('hand-written', foreign('mine'));
    // Under the prefix but not a name Redline gives any entity.
    stored.set('redline-checkout', foreign('x'));
    stored.set('redline-a--zz', foreign('y'));
    server.requests.length = 0;

    const listed = await target.list(ctx);
    expect(server.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      'GET /prometheus/config/v1/rules',
    ]);
    expect(listed.map(n => n.entityRef).sort()).toEqual([ENTITY, teamRef]);
    const checkout = listed.find(n => n.entityRef === ENTITY)!;
    expect(changesNothing(diffRuleGroups([errors, red], checkout.groups))).toBe(
      true,
    );
  });

  it('reads back every label and annotation value as written, whatever YAML could take it for', async () => {
    server = await startRulerApiServer();
    const target = targetFor(server);
    // Plain scalars another YAML schema would turn into booleans, numbers,
    // dates, nulls, merge keys or aliases, beside arbitrary text.
    const value = fc.oneof(
      fc.constantFrom(
        'yes',
        'off',
        'null',
        '~',
        '0x1F',
        '0o17',
        '1e3',
        '.inf',
        '2020-01-01',
        '2001-12-14t21:59:43.10-05:00',
        '12:30:00',
        '<<',
        '*a',
        '&a b',
        '!!str x',
        '- x',
        'a: b',
        '#c',
        '',
      ),
      fc.string(),
    );
    await fc.assert(
      fc.asyncProperty(value, value, async (label, annotation) => {
        const group: RuleGroup = {
          name: 'checkout-errors',
          rules: [
            {
              alert: 'HighErrorRate',
              expr: 'job:errors:ratio5m > 0.05',
              labels: { team: label },
              annotations: { summary: annotation },
            },
          ],
        };
        await target.write(ENTITY, [group], ctx);
        const [listed] = await target.list(ctx);
        expect(listed.groups[0].rules[0]).toMatchObject({
          labels: { team: label },
          annotations: { summary: annotation },
        });
      }),
      { numRuns: 60 },
    );
  });

  it('posts plain YAML, without anchors for labels rules share', async () => {
    server = await startRulerApiServer();
    const target = targetFor(server);
    const labels = { team: 'payments' };
    const shared: RuleGroup = {
      name: 'shared',
      rules: [
        { record: 'a:rate5m', expr: 'sum(rate(a[5m]))', labels },
        { record: 'b:rate5m', expr: 'sum(rate(b[5m]))', labels },
      ],
    };
    await target.write(ENTITY, [shared], ctx);
    const [post] = server.requests.filter(r => r.method === 'POST');
    expect(post.body).not.toMatch(/[&*]a\d/);
    expect(post.body.match(/team: payments/g)).toHaveLength(2);
  });

  it.each([
    [
      'yaml.v2 style, items at column 0',
      'redline-component-default-a:\n- name: a\n  rules:\n  - record: x\n    expr: |-\n      sum(\n      rate(x[5m]))\nredline-component-default-b:\n- name: b\n  rules:\n  - record: y\n    expr: vector(1)\n',
    ],
    [
      'yaml.v3 style, quoted keys and comments',
      '# listing\n"redline-component-default-a":\n    - name: a\n      rules:\n        - record: x\n          expr: |-\n            sum(\n            rate(x[5m]))\n"redline-component-default-b":\n    - name: b\n      rules:\n        - record: y\n          expr: vector(1)\n',
    ],
  ])('reads a listing written in %s', async (_style, listing) => {
    const fake = await FakeServer.start();
    fake.otherwise(() => ({ status: 200, text: listing }));
    server = await startRulerApiServer();
    try {
      const listed = await targetFor({ ...server, url: fake.url }).list(ctx);
      expect(listed).toEqual([
        {
          entityRef: 'component:default/a',
          groups: [
            { name: 'a', rules: [{ record: 'x', expr: 'sum(\nrate(x[5m]))' }] },
          ],
        },
        {
          entityRef: 'component:default/b',
          groups: [{ name: 'b', rules: [{ record: 'y', expr: 'vector(1)' }] }],
        },
      ]);
    } finally {
      await fake.stop();
    }
  });

  it('writes without reading first when told what is deployed', async () => {
    server = await startRulerApiServer();
    const target = targetFor(server);
    await target.write(ENTITY, [errors], ctx);
    const [deployed] = await target.list(ctx);
    server.requests.length = 0;
    const outcome = await target.write(ENTITY, [errors, red], ctx, {
      deployed: deployed.groups,
    });
    expect(server.requests.map(r => r.method)).toEqual(['POST']);
    expect(outcome).toEqual({
      changed: true,
      requests: 1,
      bytes: Buffer.byteLength(server.requests[0].body),
    });
  });

  it('reports an invalid group as the 400 it is, without retrying', async () => {
    server = await startRulerApiServer();
    const target = targetFor(server);
    const invalid: RuleGroup = { name: 'empty', rules: [] };
    const failure = await target.write(ENTITY, [invalid], ctx).then(
      () => undefined,
      error => error,
    );
    expect(failure).toBeInstanceOf(OutboundError);
    expect(failure).toMatchObject({ kind: 'client', status: 400 });
    expect(server.requests.filter(r => r.method === 'POST')).toHaveLength(1);
  });

  it('retries a ruler that answers 503, then succeeds', async () => {
    server = await startRulerApiServer();
    const target = targetFor(server);
    server.failNext(503, 2);
    await target.write(ENTITY, [red], ctx);
    expect(server.requests).toHaveLength(4);
    expect(
      server.tenants.get('team-payments')?.get(NAMESPACE)?.has('checkout-red'),
    ).toBe(true);
  });

  it('fails without a tenant where the ruler requires one', async () => {
    server = await startRulerApiServer();
    const target = targetFor(server, { tenant: undefined });
    await expect(target.read(ENTITY, ctx)).rejects.toMatchObject({
      status: 401,
    });
  });

  it('uses the configured path and namespace prefix (Cortex)', async () => {
    server = await startRulerApiServer('/api/v1/rules');
    const target = targetFor(server, {
      rulesPath: '/api/v1/rules',
      namespacePrefix: 'portal-',
      bearerToken: 'secret-token',
    });
    await target.write(ENTITY, [red], ctx);
    expect(server.requests.at(-1)).toMatchObject({
      path: '/api/v1/rules/portal-component-default-checkout',
      authorization: 'Bearer secret-token',
    });
  });

  it('names the option a bad config got wrong', () => {
    expect(() =>
      createRuleTarget(
        { name: 'm', type: 'mimir-ruler', options: { url: 'nope' } },
        {
          http: OutboundHttp.create({
            retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1 },
            timeoutMs: 1,
          }),
        },
        'observability.ruleTargets[2]',
      ),
    ).toThrow(/^observability\.ruleTargets\[2\]\.url is invalid/);
    expect(() =>
      createRuleTarget(
        { name: 'm', type: 'thanos', options: {} },
        {
          http: OutboundHttp.create({
            retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1 },
            timeoutMs: 1,
          }),
        },
        'observability.ruleTargets[2]',
      ),
    ).toThrow(
      /^observability\.ruleTargets\[2\]\.type must be one of prometheus-file, vmalert-file, mimir-ruler$/,
    );
  });
});
