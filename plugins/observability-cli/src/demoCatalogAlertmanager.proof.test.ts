/**
 * Proof with the real amtool on the demo catalog: the catalog-level
 * Alertmanager config (all teams, several services per team) passes
 * `amtool check-config`, and for every team `amtool config routes test`
 * sends critical to the team's pager receiver and warning to its ticket
 * receiver. The per-team files pass the check too.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  AlertmanagerFragment,
  AlertmanagerReceiver,
  buildCatalogAlertmanagerConfig,
  describeEntity,
  EntityAlertmanagerFragment,
  renderCatalogAlertmanagerYaml,
  resolveGeneratorConfig,
} from '@redline/backstage-plugin-observability-common';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { requireBinary } from '../../../test/support/binaries';
import { readCatalog } from './catalogFiles';

const CATALOG_DIR = resolve(__dirname, '../../../catalog');
const config = resolveGeneratorConfig();

function demoFragments(): EntityAlertmanagerFragment[] {
  const catalog = readCatalog(CATALOG_DIR);
  expect(catalog.errors).toEqual([]);
  return catalog.entities
    .filter(e => e.entity.kind === 'Component')
    .map(({ entity }) => describeEntity(entity, config).artifacts);
}

/** What the team's receivers should be, from the kinds of targets its entities declare. */
function expectedReceivers(team: string, fragments: AlertmanagerFragment[]) {
  const declares = (keys: Array<keyof AlertmanagerReceiver>) =>
    fragments.some(f => f.receivers.some(r => keys.some(k => r[k]?.length)));
  const pager = declares(['pagerduty_configs', 'opsgenie_configs']);
  const ticket = declares(['slack_configs', 'webhook_configs']);
  return {
    critical: pager ? `${team}-pager` : `${team}-ticket`,
    warning: ticket || !pager ? `${team}-ticket` : `${team}-pager`,
  };
}

const amtool = requireBinary('amtool');
// requireBinary fails in CI and warns loudly locally when amtool is missing.
(amtool ? describe : describe.skip)('demo catalog Alertmanager config', () => {
  let dir: string;
  let fragments: EntityAlertmanagerFragment[];
  let file: string;
  let teams: string[];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'redline-demo-am-'));
    fragments = demoFragments();
    const catalog = buildCatalogAlertmanagerConfig(fragments);
    teams = catalog.teams;
    file = join(dir, 'alertmanager.yaml');
    writeFileSync(file, renderCatalogAlertmanagerYaml(catalog));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const teamFragments = (team: string) =>
    fragments.flatMap(f =>
      f.alertmanager?.team === team ? [f.alertmanager] : [],
    );

  it('covers teams with several services', () => {
    expect(teams.length).toBeGreaterThanOrEqual(3);
    // Exactly the case a concatenation of per-entity files breaks.
    expect(teams.some(t => teamFragments(t).length >= 2)).toBe(true);
  });

  it('passes amtool check-config, for the catalog and for each team alone', () => {
    const files = [file];
    for (const team of teams) {
      const teamFile = join(dir, `team-${files.length}.yaml`);
      writeFileSync(
        teamFile,
        renderCatalogAlertmanagerYaml(
          buildCatalogAlertmanagerConfig(fragments, { team }),
          { team },
        ),
      );
      files.push(teamFile);
    }
    const result = spawnSync(amtool!, ['check-config', ...files], {
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.match(/SUCCESS/g)).toHaveLength(files.length);
  });

  it('routes critical to the team pager and warning to its ticket receiver, for every team', () => {
    const routed = teams.flatMap(team => {
      const expected = expectedReceivers(team, teamFragments(team));
      return (['critical', 'warning'] as const).map(severity => {
        const result = spawnSync(
          amtool!,
          [
            'config',
            'routes',
            'test',
            `--config.file=${file}`,
            `team=${team}`,
            `severity=${severity}`,
          ],
          { encoding: 'utf8' },
        );
        return {
          team,
          severity,
          receiver: result.stdout.trim(),
          expected: expected[severity],
        };
      });
    });
    expect(routed.filter(r => r.receiver !== r.expected)).toEqual([]);
    // Teams that declare a pager really page.
    expect(
      routed.some(
        r => r.severity === 'critical' && r.receiver.endsWith('-pager'),
      ),
    ).toBe(true);
  });
});
