import { setTimeout as sleep } from 'node:timers/promises';
import type {
  RuleGroup,
  SyncPlan,
} from '@redline/backstage-plugin-observability-common';
import type { ApplyLogEntry } from '../database/ApplyLogStore';
import type { RuleTarget } from '../ruleTargets/RuleTarget';
import { testContext } from './__testUtils__/syncFixtures';
import { applySyncPlan } from './applySyncPlan';

const group = (name: string): RuleGroup => ({
  name,
  rules: [{ record: `${name}:up`, expr: 'up' }],
});

/** A target that takes `writeMs` per write and notes what it was asked. */
function slowTarget(writeMs: number) {
  let inFlight = 0;
  const seen = {
    maxInFlight: 0,
    started: [] as string[],
    reloads: [] as number[],
  };
  const target: RuleTarget = {
    name: 'slow',
    type: 'test',
    list: async () => [],
    read: async () => [],
    delete: async () => ({ changed: true, requests: 1, bytes: 0 }),
    write: async (namespace, groups) => {
      seen.started.push(namespace);
      inFlight += 1;
      seen.maxInFlight = Math.max(seen.maxInFlight, inFlight);
      await sleep(writeMs);
      inFlight -= 1;
      return { changed: true, requests: 1, bytes: groups.length };
    },
    reload: async () => {
      seen.reloads.push(seen.started.length);
      return { changed: true, requests: 1, bytes: 0 };
    },
  };
  return { target, seen };
}

function planOf(refs: string[]): SyncPlan {
  return {
    teams: [
      {
        team: 'group:default/payments',
        added: refs.map(entityRef => ({ entityRef, group: 'g' })),
        changed: [],
        removed: [],
      },
    ],
    writes: refs,
    deletes: [],
  };
}

describe('applySyncPlan', () => {
  const refs = Array.from({ length: 7 }, (_, i) => `component:default/s${i}`);
  const declared = new Map(refs.map(ref => [ref, [group(ref)]]));

  it('writes in batches, a few at a time in order, one reload and a pause per batch', async () => {
    const { target, seen } = slowTarget(20);
    const log: ApplyLogEntry[] = [];
    const started = performance.now();
    const counts = await applySyncPlan({
      target,
      plan: planOf(refs),
      declared,
      deployed: new Map(),
      limits: { batchSize: 3, concurrency: 2, pauseMs: 50 },
      applyLog: { record: async entry => void log.push(entry) },
      actor: 'scheduler',
      ctx: testContext(),
    });

    expect(seen.started).toEqual(refs);
    expect(seen.maxInFlight).toBe(2);
    // A reload after each batch of three: after 3, 6 and 7 writes.
    expect(seen.reloads).toEqual([3, 6, 7]);
    // Two pauses between three batches; each batch of three takes two
    // rounds of writes with two at a time.
    expect(performance.now() - started).toBeGreaterThanOrEqual(
      2 * 50 + 5 * 20 - 5,
    );
    expect(counts).toEqual({
      namespacesWritten: 7,
      namespacesDeleted: 0,
      failed: 0,
      requests: 7 + 3,
      bytesWritten: 7,
    });
    expect(log.map(e => e.entityRef).sort()).toEqual([...refs].sort());
  });

  it('stops before the next namespace once aborted, leaving the rest for the next sync', async () => {
    const { target, seen } = slowTarget(20);
    const abort = new AbortController();
    const log: ApplyLogEntry[] = [];
    const applying = applySyncPlan({
      target,
      plan: planOf(refs),
      declared,
      deployed: new Map(),
      limits: { batchSize: 7, concurrency: 2, pauseMs: 0 },
      applyLog: { record: async entry => void log.push(entry) },
      actor: 'scheduler',
      ctx: testContext(abort.signal),
    });
    await sleep(5);
    abort.abort();

    await expect(applying).rejects.toThrow();
    expect(seen.started).toEqual(refs.slice(0, 2));
    expect(log.map(e => e.entityRef)).toEqual(refs.slice(0, 2));
  });
});
