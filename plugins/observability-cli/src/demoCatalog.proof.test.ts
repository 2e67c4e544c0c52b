/**
 * Proof with the real tools on the demo catalog: for every Component,
 * `promtool check rules` accepts prometheus-rules.yaml, `amtool check-config`
 * accepts alertmanager.yaml, and `amtool config routes test` sends critical to
 * the team's pager receiver and warning to its ticket receiver.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  describeEntity,
  resolveGeneratorConfig,
} from '@redline/backstage-plugin-observability-common';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { requireBinary } from '../../../test/support/binaries';
import { readCatalog } from './catalogFiles';

const CATALOG_DIR = resolve(__dirname, '../../../catalog');
const config = resolveGeneratorConfig({
  portalBaseUrl: 'https://portal.example.com',
});

interface Generated {
  name: string;
  rulesFile: string;
  alertmanagerFile: string;
  team: string;
  pager: string;
  ticket: string;
}

function generateDemo(dir: string): Generated[] {
  const catalog = readCatalog(CATALOG_DIR);
  expect(catalog.errors).toEqual([]);
  const components = catalog.entities.filter(
    e => e.entity.kind === 'Component',
  );
  expect(components.length).toBeGreaterThanOrEqual(30);
  // Libraries and websites serve no requests and get no files.
  const serving = components
    .map(({ entity }) => ({ entity, ...describeEntity(entity, config) }))
    .filter(({ spec }) => spec.servesRequests);
  expect(serving.length).toBeGreaterThanOrEqual(20);
  return serving.map(({ entity, artifacts }, i) => {
    const file = (id: string) =>
      artifacts.files.find(f => f.id === id)!.content;
    const rulesFile = join(dir, `${i}-${entity.metadata.name}.rules.yaml`);
    const alertmanagerFile = join(
      dir,
      `${i}-${entity.metadata.name}.alertmanager.yaml`,
    );
    writeFileSync(rulesFile, file('prometheus-rules'));
    writeFileSync(alertmanagerFile, file('alertmanager'));
    const fragment = artifacts.alertmanager!;
    return {
      name: entity.metadata.name,
      rulesFile,
      alertmanagerFile,
      team: fragment.team,
      pager: fragment.pagerReceiver,
      ticket: fragment.ticketReceiver,
    };
  });
}

describe('demo catalog proof', () => {
  const promtool = requireBinary('promtool');
  const amtool = requireBinary('amtool');
  // requireBinary fails in CI and warns loudly locally when a tool is missing.
  const describeBoth = promtool && amtool ? describe : describe.skip;

  describeBoth('every Component', () => {
    let dir: string;
    let generated: Generated[];
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'redline-demo-proof-'));
      generated = generateDemo(dir);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('passes promtool check rules (one invocation for all files)', () => {
      const result = spawnSync(
        promtool!,
        ['check', 'rules', ...generated.map(g => g.rulesFile)],
        {
          encoding: 'utf8',
        },
      );
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout.match(/SUCCESS: \d+ rules found/g)).toHaveLength(
        generated.length,
      );
    });

    it('passes amtool check-config', () => {
      const result = spawnSync(
        amtool!,
        ['check-config', ...generated.map(g => g.alertmanagerFile)],
        {
          encoding: 'utf8',
        },
      );
      expect(result.status).toBe(0);
      expect(result.stdout.match(/SUCCESS/g)).toHaveLength(generated.length);
    });

    it('routes critical to the pager receiver and warning to the ticket receiver', () => {
      for (const g of generated) {
        for (const [severity, receiver] of [
          ['critical', g.pager],
          ['warning', g.ticket],
        ]) {
          const result = spawnSync(
            amtool!,
            [
              'config',
              'routes',
              'test',
              `--config.file=${g.alertmanagerFile}`,
              `--verify.receivers=${receiver}`,
              `team=${g.team}`,
              `severity=${severity}`,
              `service=${g.name}`,
            ],
            { encoding: 'utf8' },
          );
          expect({
            component: g.name,
            severity,
            routed: result.stdout.trim(),
            status: result.status,
          }).toEqual({
            component: g.name,
            severity,
            routed: receiver,
            status: 0,
          });
        }
      }
      // Teams that declare both a pager and a ticket channel really get two receivers.
      const checkout = generated.find(g => g.name === 'checkout')!;
      expect([checkout.pager, checkout.ticket]).toEqual([
        'payments-pager',
        'payments-ticket',
      ]);
    });
  });
});
