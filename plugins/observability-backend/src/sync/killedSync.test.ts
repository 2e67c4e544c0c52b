/**
 * A sync process killed with SIGKILL part-way through writing a vmalert
 * rules directory, then a sync run again: every file is whole (old or new)
 * meanwhile, and afterwards the directory holds exactly what the catalog
 * declares, the second run writing only what the first did not.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { canonicalRuleGroup } from '@redline/backstage-plugin-observability-common';
import { FakeServer } from '../__testUtils__/fakeServer';
import type { RuleTarget } from '../ruleTargets/RuleTarget';
import {
  convergenceCatalog,
  declaredGroupNames,
  syncFor,
  testContext,
  vmalertFileTarget,
} from './__testUtils__/syncFixtures';
import type { SyncProcessOptions } from './__testUtils__/syncProcess';

const ENTRY = resolve(__dirname, '__testUtils__/syncProcess.ts');
const TRANSFORM = require.resolve('@backstage/cli/config/nodeTransform.cjs');

function declared(threshold: string): Map<string, string[]> {
  return declaredGroupNames(convergenceCatalog(threshold), canonicalRuleGroup);
}

async function held(target: RuleTarget): Promise<Map<string, string[]>> {
  return new Map(
    (await target.list(testContext())).map(n => [
      n.entityRef,
      n.groups.map(canonicalRuleGroup).sort(),
    ]),
  );
}

/** Runs the sync process and SIGKILLs it once `killAfter` writes are reported. */
function syncUntilKilled(options: SyncProcessOptions, killAfter: number) {
  const child = spawn(
    process.execPath,
    ['--require', TRANSFORM, ENTRY, JSON.stringify(options)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const written: string[] = [];
  let stderr = '';
  child.stderr!.on('data', chunk => {
    stderr += chunk;
  });
  createInterface({ input: child.stdout! }).on('line', line => {
    if (!line.startsWith('written ')) return;
    written.push(line.slice('written '.length));
    if (written.length === killAfter) child.kill('SIGKILL');
  });
  return new Promise<{ written: string[]; signal: string | null }>((ok, fail) =>
    child.on('exit', (code, signal) =>
      signal || code === 0
        ? ok({ written, signal })
        : fail(new Error(`sync process exited ${code}: ${stderr}`)),
    ),
  );
}

describe('a sync process killed with SIGKILL', () => {
  it('leaves whole files, and the next sync converges', async () => {
    const rulesDirectory = mkdtempSync(join(tmpdir(), 'redline-killed-sync-'));
    const vmalert = await FakeServer.start();
    vmalert.otherwise(() => ({ status: 200, text: '' }));
    try {
      const target = vmalertFileTarget(rulesDirectory, vmalert.url);
      const ctx = testContext();
      await syncFor(convergenceCatalog('2')).sync.run({
        target,
        actor: 'scheduler',
        ctx,
      });

      const { written, signal } = await syncUntilKilled(
        { rulesDirectory, reloadUrl: vmalert.url, errorRateThreshold: '5' },
        4,
      );
      expect(signal).toBe('SIGKILL');
      const old = declared('2');
      const next = declared('5');
      const midway = await held(target);
      expect([...midway.keys()].sort()).toEqual([...next.keys()].sort());
      const unfinished: string[] = [];
      for (const [ref, groups] of midway) {
        if (JSON.stringify(groups) === JSON.stringify(next.get(ref))) continue;
        expect(groups).toEqual(old.get(ref));
        unfinished.push(ref);
      }
      for (const ref of written) expect(unfinished).not.toContain(ref);
      expect(unfinished.length).toBeGreaterThan(0);

      const second = await syncFor(convergenceCatalog('5')).sync.run({
        target,
        actor: 'scheduler',
        ctx,
      });
      expect(second.plan.writes.sort()).toEqual(unfinished.sort());
      expect(await held(target)).toEqual(next);
      // Only Redline's files are in the glob; a temporary file the kill may
      // have left starts with a dot and is outside `redline-*.yaml`.
      expect(
        readdirSync(rulesDirectory).filter(name => !name.startsWith('.')),
      ).toHaveLength(12);
    } finally {
      await vmalert.stop();
      rmSync(rulesDirectory, { recursive: true, force: true });
    }
  }, 60_000);
});
