/**
 * A sync stopped part-way (the task aborted, the backend killed) and run
 * again converges: the target then holds exactly what the catalog
 * declares, no group lost or doubled, and the second run's plan holds only
 * what the first did not finish.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Entity } from '@backstage/catalog-model';
import {
  canonicalRuleGroup,
  type DeployedNamespace,
} from '@redline/backstage-plugin-observability-common';
import { FakeServer } from '../__testUtils__/fakeServer';
import {
  startRulerApiServer,
  type RulerApiServer,
} from '../ruleTargets/__testUtils__/rulerApiServer';
import type { RuleTarget } from '../ruleTargets/RuleTarget';
import {
  convergenceCatalog,
  declaredGroupNames,
  rulerTarget,
  syncFor,
  testContext,
  vmalertFileTarget,
} from './__testUtils__/syncFixtures';

const catalog = convergenceCatalog;

/** entity ref → its groups in canonical form, as the describe step declares them. */
function declared(entities: Entity[]): Map<string, string[]> {
  return declaredGroupNames(entities, canonicalRuleGroup);
}

function canonical(listed: DeployedNamespace[]): Map<string, string[]> {
  return new Map(
    listed.map(n => [n.entityRef, n.groups.map(canonicalRuleGroup).sort()]),
  );
}

/** The target, made to stop the sync once `afterWrites` writes have finished. */
function abortingAfter(target: RuleTarget, afterWrites: number) {
  const controller = new AbortController();
  const finished: string[] = [];
  const wrapped: RuleTarget = {
    ...target,
    list: ctx => target.list(ctx),
    reload: target.reload && (ctx => target.reload!(ctx)),
    write: async (ref, groups, ctx, options) => {
      const outcome = await target.write(ref, groups, ctx, options);
      finished.push(ref);
      if (finished.length === afterWrites) controller.abort();
      return outcome;
    },
  };
  return { wrapped, finished, signal: controller.signal };
}

async function convergesAfterAbort(target: RuleTarget, wholeFiles: boolean) {
  const ctx = testContext();
  const v1 = catalog('2');
  const v2 = catalog('5');
  await syncFor(v1).sync.run({ target, actor: 'scheduler', ctx });
  expect(canonical(await target.list(ctx))).toEqual(declared(v1));

  const { wrapped, finished, signal } = abortingAfter(target, 5);
  const { sync } = syncFor(v2, {
    limits: { batchSize: 3, concurrency: 2 },
  });
  await expect(
    sync.run({ target: wrapped, actor: 'scheduler', ctx: testContext(signal) }),
  ).rejects.toThrow(/abort/i);
  expect(finished.length).toBeGreaterThanOrEqual(5);
  expect(finished.length).toBeLessThan(12);

  // Every group is the old one or the new one, none half-written, lost or
  // doubled. A file changes whole; a ruler namespace group by group.
  const old = declared(v1);
  const next = declared(v2);
  const midway = canonical(await target.list(ctx));
  expect([...midway.keys()].sort()).toEqual([...next.keys()].sort());
  const unfinished: string[] = [];
  for (const [ref, groups] of midway) {
    const names = groups.map(g => JSON.parse(g).name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBe(next.get(ref)!.length);
    for (const group of groups)
      expect([...old.get(ref)!, ...next.get(ref)!]).toContain(group);
    if (finished.includes(ref)) expect(groups).toEqual(next.get(ref));
    else if (wholeFiles) expect(groups).toEqual(old.get(ref));
    if (JSON.stringify(groups) !== JSON.stringify(next.get(ref)))
      unfinished.push(ref);
  }

  const second = await sync.run({ target, actor: 'scheduler', ctx });
  expect(second.plan.writes.sort()).toEqual(unfinished.sort());
  expect(unfinished.length).toBeGreaterThan(0);
  expect(second.plan.deletes).toEqual([]);
  expect(canonical(await target.list(ctx))).toEqual(next);
  const third = await sync.run({ target, actor: 'scheduler', ctx });
  expect(third.plan.writes).toEqual([]);
}

describe('a sync stopped part-way and run again', () => {
  it('converges on a vmalert rules directory', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'redline-sync-'));
    const vmalert = await FakeServer.start();
    vmalert.otherwise(() => ({ status: 200, text: '' }));
    try {
      const target = vmalertFileTarget(directory, vmalert.url);
      await convergesAfterAbort(target, true);
      // One file per entity, no temporary file left behind.
      expect(readdirSync(directory).sort()).toEqual(
        Array.from(
          { length: 12 },
          (_, i) => `redline-component-default-svc-${i}.yaml`,
        ).sort(),
      );
      expect(vmalert.requests.every(r => r.url === '/-/reload')).toBe(true);
    } finally {
      await vmalert.stop();
      rmSync(directory, { recursive: true, force: true });
    }
  }, 30_000);

  it('converges on a ruler, no group lost or doubled', async () => {
    const server: RulerApiServer = await startRulerApiServer();
    try {
      await convergesAfterAbort(rulerTarget(server.url), false);
      const namespaces = server.tenants.get('redline')!;
      expect(namespaces.size).toBe(12);
    } finally {
      await server.close();
    }
  }, 30_000);
});
