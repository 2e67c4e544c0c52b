/**
 * The mimir-ruler target against an in-process server that implements the
 * ruler configuration API as Mimir's reference documentation describes it
 * (see `__testUtils__/rulerApiServer.ts`). No real Mimir or Cortex ran here.
 */
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { mockServices } from '@backstage/backend-test-utils';
import {
  changesNothing,
  type RuleGroup,
} from '@redline/backstage-plugin-observability-common';
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
