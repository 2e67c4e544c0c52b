/**
 * Against a real Prometheus (Debian `prometheus`) with `--web.enable-lifecycle`
 * on a loopback port, loading `redline-*.yaml` from the target's directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { mockServices } from '@backstage/backend-test-utils';
import {
  changesNothing,
  renderRuleFileYaml,
  type RuleGroup,
} from '@redline/backstage-plugin-observability-common';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { requireBinary } from '../../../../test/support/binaries';
import { OutboundHttp } from '../services/OutboundHttp';
import { ruleFileNameFor, withOwnerHeader } from '../services/RuleFiles';
import type { RequestContext } from '../telemetry/context';
import { freePort, stop } from './__testUtils__/processes';
import { createRuleTarget } from './registry';
import { diffNamespace, type RuleTarget } from './RuleTarget';

const prometheus = requireBinary('prometheus');

const ctx: RequestContext = {
  correlationId: 'prometheus-file-test',
  logger: mockServices.logger.mock(),
  trace: ROOT_CONTEXT,
};
const ENTITY = 'component:default/checkout';
const groups: RuleGroup[] = [
  {
    name: 'checkout-errors',
    rules: [
      {
        alert: 'HighErrorRate',
        expr: 'vector(1) > 2',
        for: '5m',
        labels: { team: 'payments' },
        annotations: { summary: 'Checkout fails' },
      },
    ],
  },
];

async function loadedGroupNames(url: string): Promise<string[]> {
  const answer = (await (await fetch(`${url}/api/v1/rules`)).json()) as {
    data: { groups: Array<{ name: string }> };
  };
  return answer.data.groups.map(group => group.name).sort();
}

async function eventually(check: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  }
}

// requireBinary fails in CI and warns loudly locally when it is missing.
(prometheus ? describe : describe.skip)(
  'prometheus-file target against a real Prometheus',
  () => {
    let work: string;
    let rules: string;
    let child: ChildProcess;
    let url: string;
    let target: RuleTarget;

    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), 'redline-prom-target-'));
      rules = join(work, 'rules');
      mkdirSync(rules);
      writeFileSync(
        join(work, 'prometheus.yml'),
        `rule_files:\n  - ${join(rules, 'redline-*.yaml')}\n`,
      );
      url = `http://127.0.0.1:${await freePort()}`;
      child = spawn(prometheus!, [
        `--config.file=${join(work, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(work, 'data')}`,
        `--web.listen-address=${url.slice('http://'.length)}`,
        '--web.enable-lifecycle',
      ]);
      await eventually(async () => {
        if (!(await fetch(`${url}/-/ready`)).ok) throw new Error('not ready');
      });
      target = createRuleTarget(
        {
          name: 'main',
          type: 'prometheus-file',
          options: { rulesDirectory: rules, url },
        },
        {
          http: OutboundHttp.create({
            retry: { attempts: 2, initialDelayMs: 50, maxDelayMs: 100 },
            timeoutMs: 5000,
          }),
        },
        'observability.ruleTargets[0]',
      );
    }, 30_000);

    afterAll(async () => {
      await stop(child);
      rmSync(work, { recursive: true, force: true });
    }, 15_000);

    it('writes the file Apply would write, and Prometheus loads it', async () => {
      await target.write(ENTITY, groups, ctx);
      const file = join(rules, ruleFileNameFor(ENTITY));
      // Byte for byte what Apply writes, so neither sees the other's file as a change.
      expect(readFileSync(file, 'utf8')).toBe(
        withOwnerHeader(ENTITY, renderRuleFileYaml({ groups })),
      );
      await eventually(async () => {
        expect(await loadedGroupNames(url)).toEqual(['checkout-errors']);
      });
      expect(
        changesNothing(await diffNamespace(target, ENTITY, groups, ctx)),
      ).toBe(true);
    });

    it('neither reads nor deletes a file of that name it did not write', async () => {
      const other = 'component:default/billing';
      const file = join(rules, ruleFileNameFor(other));
      writeFileSync(
        file,
        'groups:\n  - name: hand-written\n    rules:\n      - record: x\n        expr: vector(1)\n',
      );
      expect(await target.read(other, ctx)).toEqual([]);
      expect((await target.list(ctx)).map(n => n.entityRef)).toEqual([ENTITY]);
      await target.delete(other, ctx);
      expect(existsSync(file)).toBe(true);
      rmSync(file);
    });

    it('reads a damaged file of its own as holding nothing, so a write replaces it', async () => {
      const file = join(rules, ruleFileNameFor(ENTITY));
      const intact = readFileSync(file, 'utf8');
      writeFileSync(file, withOwnerHeader(ENTITY, 'groups: [unclosed'));
      expect(await target.read(ENTITY, ctx)).toEqual([]);
      await target.write(ENTITY, groups, ctx);
      expect(readFileSync(file, 'utf8')).toBe(intact);
    });

    it('reloads once for a batch of writes made without reloading', async () => {
      const refs = ['component:default/a', 'component:default/b'];
      for (const ref of refs) {
        const written = await target.write(
          ref,
          groups.map(g => ({ ...g, name: `${ref}-${g.name}` })),
          ctx,
          {
            reload: false,
          },
        );
        expect(written).toMatchObject({ changed: true, requests: 0 });
      }
      expect(await target.reload!(ctx)).toMatchObject({ requests: 1 });
      await eventually(async () => {
        expect(await loadedGroupNames(url)).toEqual([
          'checkout-errors',
          'component:default/a-checkout-errors',
          'component:default/b-checkout-errors',
        ]);
      });
      for (const ref of refs) await target.delete(ref, ctx);
    });

    it('deletes its own file and Prometheus drops the groups', async () => {
      await target.delete(ENTITY, ctx);
      expect(existsSync(join(rules, ruleFileNameFor(ENTITY)))).toBe(false);
      expect(await target.read(ENTITY, ctx)).toEqual([]);
      expect(await target.list(ctx)).toEqual([]);
      await eventually(async () => {
        expect(await loadedGroupNames(url)).toEqual([]);
      });
    });
  },
);
