/**
 * Against a real vmalert (Debian `victoria-metrics`), evaluating against a
 * real single-node VictoriaMetrics on loopback ports: what the target writes
 * must be what vmalert loads and reports back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { mockServices } from '@backstage/backend-test-utils';
import {
  changesNothing,
  diffRuleGroups,
  generatePrometheusRules,
  parseSpec,
  resolveGeneratorConfig,
  type RuleGroup,
} from '@redline/backstage-plugin-observability-common';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { requireBinary } from '../../../../test/support/binaries';
import { component } from '../__testUtils__/entities';
import { OutboundHttp } from '../services/OutboundHttp';
import type { RequestContext } from '../telemetry/context';
import { diffNamespace, type RuleTarget } from './RuleTarget';
import { freePort, stop } from './__testUtils__/processes';
import { createRuleTarget } from './registry';
import {
  declaredGroupNames,
  syncCatalog,
  syncFor,
} from '../sync/__testUtils__/syncFixtures';

const vmalert = requireBinary('vmalert');
const victoriaMetrics = requireBinary('victoria-metrics');

const ctx: RequestContext = {
  correlationId: 'vmalert-test',
  logger: mockServices.logger.mock(),
  trace: ROOT_CONTEXT,
};
const ENTITY = 'component:default/checkout';
const groups: RuleGroup[] = [
  {
    name: 'checkout-errors',
    interval: '5s',
    rules: [
      {
        alert: 'HighErrorRate',
        expr: 'job:checkout_errors:rate5m > 1',
        for: '5m',
        labels: { severity: 'page', team: 'payments' },
        annotations: { runbook_url: 'https://runbooks.example/errors' },
      },
    ],
  },
  {
    // No interval: vmalert reports its default, which must not read as a change.
    name: 'checkout-red',
    rules: [
      { record: 'job:checkout_errors:rate5m', expr: 'sum(rate(errors[5m]))' },
    ],
  },
];

async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  what: string,
): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

// requireBinary fails in CI and warns loudly locally when either is missing.
(vmalert && victoriaMetrics ? describe : describe.skip)(
  'vmalert-file target against a real vmalert',
  () => {
    let work: string;
    let processes: ChildProcess[] = [];
    let target: RuleTarget;
    let vmalertUrl: string;

    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), 'redline-vmalert-'));
      const rules = join(work, 'rules');
      // Someone else's rules in the same directory, which Redline must not touch.
      writeFileSync(
        join(work, 'other.yaml'),
        'groups:\n  - name: not-ours\n    rules:\n      - record: x\n        expr: vector(1)\n',
      );
      const vmPort = await freePort();
      const vmalertPort = await freePort();
      vmalertUrl = `http://127.0.0.1:${vmalertPort}`;
      processes = [
        spawn(victoriaMetrics!, [
          `-storageDataPath=${join(work, 'vm')}`,
          `-httpListenAddr=127.0.0.1:${vmPort}`,
        ]),
        spawn(vmalert!, [
          `-rule=${join(rules, 'redline-*.yaml')}`,
          `-rule=${join(work, 'other.yaml')}`,
          `-datasource.url=http://127.0.0.1:${vmPort}`,
          `-remoteWrite.url=http://127.0.0.1:${vmPort}`,
          `-notifier.url=http://127.0.0.1:${await freePort()}`,
          `-httpListenAddr=127.0.0.1:${vmalertPort}`,
          // vmalert hands a reloaded group over at its next evaluation; short
          // intervals keep the test from waiting a minute for that.
          '-evaluationInterval=2s',
        ]),
      ];
      await waitFor(
        async () =>
          (await fetch(`${vmalertUrl}/-/healthy`)).ok ? true : undefined,
        'vmalert to listen',
      );
      const http = OutboundHttp.create({
        retry: { attempts: 2, initialDelayMs: 50, maxDelayMs: 100 },
        timeoutMs: 5000,
      });
      target = createRuleTarget(
        {
          name: 'vm',
          type: 'vmalert-file',
          options: {
            rulesDirectory: rules,
            url: vmalertUrl,
            evaluationIntervalSeconds: 2,
          },
        },
        { http },
        'observability.ruleTargets[0]',
      );
    }, 30_000);

    afterAll(async () => {
      await Promise.all(processes.map(child => stop(child)));
      rmSync(work, { recursive: true, force: true });
    }, 15_000);

    it('writes groups that vmalert loads and reads them back unchanged', async () => {
      expect(await target.read(ENTITY, ctx)).toEqual([]);
      await target.write(ENTITY, groups, ctx);
      const deployed = await waitFor(async () => {
        const read = await target.read(ENTITY, ctx);
        return read.length > 0 ? read : undefined;
      }, 'vmalert to load the group');
      expect(deployed.map(g => g.name).sort()).toEqual([
        'checkout-errors',
        'checkout-red',
      ]);
      // What vmalert loaded is what the listing (from the files) holds.
      const [listed, ...others] = await target.list(ctx);
      expect(others).toEqual([]);
      expect(listed.entityRef).toBe(ENTITY);
      expect(
        changesNothing(
          diffRuleGroups(listed.groups, deployed, {
            defaultIntervalSeconds: 2,
          }),
        ),
      ).toBe(true);
      expect(
        changesNothing(await diffNamespace(target, ENTITY, groups, ctx)),
      ).toBe(true);
    }, 30_000);

    it('shows a changed group as changed, then deletes only its own file', async () => {
      const edited: RuleGroup[] = [
        { ...groups[0], rules: [{ ...groups[0].rules[0], for: '10m' }] },
        groups[1],
      ];
      expect(
        (await diffNamespace(target, ENTITY, edited, ctx)).changed,
      ).toEqual(['checkout-errors']);
      await target.write(ENTITY, edited, ctx);
      await waitFor(
        async () =>
          changesNothing(await diffNamespace(target, ENTITY, edited, ctx))
            ? true
            : undefined,
        'vmalert to load the edit',
      );

      await target.delete(ENTITY, ctx);
      await waitFor(async () => {
        const read = await target.read(ENTITY, ctx);
        return read.length === 0 ? true : undefined;
      }, 'vmalert to drop the group');
      expect(readdirSync(work)).toContain('other.yaml');
      expect(await target.list(ctx)).toEqual([]);
      const all = (await (
        await fetch(`${vmalertUrl}/api/v1/rules`)
      ).json()) as {
        data: { groups: Array<{ name: string }> };
      };
      expect(all.data.groups.map(g => g.name)).toEqual(['not-ours']);
    }, 30_000);

    it('loads the groups Redline generates for a service with SLOs', async () => {
      const config = resolveGeneratorConfig({});
      const entity = component('payments-api', {
        'redline.dev/slo-availability': '99.9',
        'redline.dev/slo-latency': '99% < 300ms',
        'redline.dev/runbook-url': 'https://runbooks.example/payments',
      });
      const { groups: generated } = generatePrometheusRules(
        parseSpec(entity, config).spec,
        config,
      ).rules;
      const ref = 'component:default/payments-api';
      await target.write(ref, generated, ctx);
      await waitFor(
        async () =>
          changesNothing(await diffNamespace(target, ref, generated, ctx))
            ? true
            : undefined,
        'vmalert to load the generated groups',
      );
      expect(generated.length).toBeGreaterThan(1);
      await target.delete(ref, ctx);
    }, 30_000);

    it("a catalog sync writes every entity's groups, which vmalert loads, and the next sync writes nothing", async () => {
      const entities = syncCatalog();
      const { sync } = syncFor(entities);
      const first = await sync.run({ target, actor: 'scheduler', ctx });
      expect(first.applied?.failed).toBe(0);
      const declared = declaredGroupNames(entities);
      const loaded = async () => {
        const all = (await (
          await fetch(`${vmalertUrl}/api/v1/rules`)
        ).json()) as { data: { groups: Array<{ name: string }> } };
        return all.data.groups.map(g => g.name).sort();
      };
      const expected = [...[...declared.values()].flat(), 'not-ours'].sort();
      await waitFor(
        async () =>
          JSON.stringify(await loaded()) === JSON.stringify(expected)
            ? true
            : undefined,
        'vmalert to load every synced group',
      );
      const again = await sync.run({ target, actor: 'scheduler', ctx });
      expect(again.plan.writes).toEqual([]);
      expect(again.plan.deletes).toEqual([]);
      expect(again.applied?.requests).toBe(0);
    }, 30_000);
  },
);
