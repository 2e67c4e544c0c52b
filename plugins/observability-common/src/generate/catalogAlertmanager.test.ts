import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { describeWithBinary } from '../../../../test/support/binaries';
import { resolveGeneratorConfig } from '../spec/config';
import type { ObservabilitySpec } from '../spec/types';
import { generateAlertmanagerFragment } from './alertmanager';
import {
  buildCatalogAlertmanagerConfig,
  renderCatalogAlertmanagerYaml,
  type EntityAlertmanagerFragment,
} from './catalogAlertmanager';
import { describeSpec } from '../describe/describeEntity';
import { makeSpec } from './__testUtils__/makeSpec';

const config = resolveGeneratorConfig();

function entity(
  name: string,
  overrides: Partial<ObservabilitySpec> = {},
): EntityAlertmanagerFragment {
  const spec = makeSpec({ name, ...overrides });
  return {
    entityRef: spec.entityRef,
    alertmanager: generateAlertmanagerFragment(spec, config).fragment,
  };
}

const checkout = entity('checkout');
const cart = entity('cart');
const search = entity('search', {
  team: 'search',
  routing: { slackChannel: 'search-alerts' },
});
const hookA = entity('ledger', {
  routing: { webhookUrl: 'https://hooks.example.com/a' },
});
const hookB = entity('billing', {
  routing: { webhookUrl: 'https://hooks.example.com/b' },
});

describe('buildCatalogAlertmanagerConfig', () => {
  it('merges identical receivers and gives each team one route', () => {
    const {
      config: am,
      teams,
      findings,
    } = buildCatalogAlertmanagerConfig([checkout, search, cart]);
    expect(findings).toEqual([]);
    expect(teams).toEqual(['payments', 'search']);
    expect(am.receivers.map(r => r.name)).toEqual([
      'redline-default',
      'payments-pager',
      'payments-ticket',
      'search-ticket',
    ]);
    expect(am.route.routes).toEqual([
      expect.objectContaining({
        receiver: 'payments-ticket',
        matchers: ['team="payments"'],
        routes: [
          { receiver: 'payments-pager', matchers: ['severity="critical"'] },
        ],
      }),
      expect.objectContaining({
        receiver: 'search-ticket',
        matchers: ['team="search"'],
        routes: [
          { receiver: 'search-ticket', matchers: ['severity="critical"'] },
        ],
      }),
    ]);
    // Two services of one team share its inhibit rules: once each.
    expect(am.inhibit_rules).toHaveLength(
      checkout.alertmanager!.inhibit_rules.length +
        search.alertmanager!.inhibit_rules.length,
    );
  });

  it('reports differing targets naming both entities, and sends to both', () => {
    const { config: am, findings } = buildCatalogAlertmanagerConfig([
      hookB,
      hookA,
    ]);
    expect(findings).toEqual([
      expect.objectContaining({
        id: 'alertmanager.receiver-conflict',
        value: 'payments-ticket',
        entityRefs: ['component:default/billing', 'component:default/ledger'],
      }),
    ]);
    expect(findings[0].message).toContain('component:default/billing');
    expect(findings[0].message).toContain('component:default/ledger');
    const ticket = am.receivers.find(r => r.name === 'payments-ticket')!;
    // Entity-ref order: billing before ledger, whatever the input order.
    expect(ticket.webhook_configs!.map(c => c.url)).toEqual([
      'https://hooks.example.com/b',
      'https://hooks.example.com/a',
    ]);
    expect(buildCatalogAlertmanagerConfig([hookA, hookB])).toEqual(
      buildCatalogAlertmanagerConfig([hookB, hookA]),
    );
  });

  it('pages the team when any of its entities declares a pager', () => {
    const ticketOnly = entity('cart', {
      routing: { slackChannel: 'payments-alerts' },
    });
    const pagerOnly = entity('ledger', {
      routing: { pagerduty: { hasIntegrationKey: true } },
    });
    const { config: am, findings } = buildCatalogAlertmanagerConfig([
      ticketOnly,
      pagerOnly,
    ]);
    expect(findings).toEqual([]);
    expect(am.route.routes![0]).toMatchObject({
      receiver: 'payments-ticket',
      routes: [{ receiver: 'payments-pager' }],
    });
    expect(am.receivers.map(r => r.name)).toEqual([
      'redline-default',
      'payments-pager',
      'payments-ticket',
    ]);
  });

  it('keeps a team without any target visible on an empty receiver', () => {
    const silent = entity('quiet', { team: 'quiet', routing: {} });
    const { config: am } = buildCatalogAlertmanagerConfig([silent]);
    expect(am.route.routes![0]).toMatchObject({
      receiver: 'quiet-ticket',
      routes: [{ receiver: 'quiet-ticket' }],
    });
    expect(am.receivers).toEqual([
      { name: 'redline-default' },
      { name: 'quiet-ticket' },
    ]);
  });

  it('builds one team alone', () => {
    const { config: am, teams } = buildCatalogAlertmanagerConfig(
      [checkout, search, cart],
      { team: 'search' },
    );
    expect(teams).toEqual(['search']);
    expect(am.receivers.map(r => r.name)).toEqual([
      'redline-default',
      'search-ticket',
    ]);
    expect(
      am.inhibit_rules.every(r => r.source_matchers[0] === 'team="search"'),
    ).toBe(true);
  });

  it('renders YAML with a header naming its scope', () => {
    const catalog = buildCatalogAlertmanagerConfig([checkout, search]);
    const text = renderCatalogAlertmanagerYaml(catalog);
    expect(text).toMatch(/^# Generated by Redline: .* every team .*\(2\)/);
    expect(parse(text)).toEqual(catalog.config);
  });
});

describeWithBinary('amtool')('amtool and the catalog config', amtool => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'redline-catalog-am-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts same-team entities with differing targets, which a plain merge breaks', () => {
    const file = join(dir, 'conflict.yaml');
    writeFileSync(
      file,
      renderCatalogAlertmanagerYaml(
        buildCatalogAlertmanagerConfig([checkout, cart, hookA, hookB, search]),
      ),
    );
    const check = spawnSync(amtool, ['check-config', file], {
      encoding: 'utf8',
    });
    expect(check.stdout + check.stderr).toContain('SUCCESS');
    expect(check.status).toBe(0);
  });

  it("sends the Watchdog to the team's heartbeat receiver, never its pager", () => {
    const described = (name: string) => {
      const spec = makeSpec({
        name,
        routing: { pagerduty: { hasIntegrationKey: true } },
      });
      return {
        entityRef: spec.entityRef,
        alertmanager: describeSpec({ spec, findings: [] }, config).artifacts
          .alertmanager!,
      };
    };
    const file = join(dir, 'watchdog.yaml');
    writeFileSync(
      file,
      renderCatalogAlertmanagerYaml(
        buildCatalogAlertmanagerConfig([
          described('checkout'),
          described('cart'),
        ]),
      ),
    );
    const route = (...labels: string[]) =>
      spawnSync(
        amtool,
        ['config', 'routes', 'test', `--config.file=${file}`, ...labels],
        { encoding: 'utf8' },
      ).stdout.trim();
    expect(route('team=payments', 'alertname=Watchdog', 'severity=none')).toBe(
      'payments-heartbeat',
    );
    expect(
      route('team=payments', 'alertname=HighErrorRate', 'severity=critical'),
    ).toBe('payments-pager');
  });
});
