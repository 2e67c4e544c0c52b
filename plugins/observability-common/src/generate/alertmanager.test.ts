import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { describeWithBinary } from '../../../../test/support/binaries';
import { resolveGeneratorConfig } from '../spec/config';
import {
  alertmanagerMatcher,
  generateAlertmanagerFragment,
  goTemplateLiteral,
  renderAlertmanagerYaml,
  toAlertmanagerConfig,
} from './alertmanager';
import { makeBareSpec, makeSpec } from './__testUtils__/makeSpec';

const config = resolveGeneratorConfig({
  alertmanager: { groupWait: '45s', groupInterval: '3m', repeatInterval: '2h' },
});

describe('generateAlertmanagerFragment', () => {
  it('routes the owning team with grouping and timings from config', () => {
    const { fragment, findings } = generateAlertmanagerFragment(
      makeSpec(),
      config,
    );
    expect(findings).toEqual([]);
    expect(fragment.route).toMatchObject({
      receiver: 'payments-ticket',
      matchers: ['team="payments"'],
      group_by: ['alertname', 'service', 'redline_namespace', 'slo'],
      group_wait: '45s',
      group_interval: '3m',
      repeat_interval: '2h',
      routes: [
        { receiver: 'payments-pager', matchers: ['severity="critical"'] },
      ],
    });
    expect(fragment.pagerReceiver).toBe('payments-pager');
    expect(fragment.ticketReceiver).toBe('payments-ticket');
  });

  it('references secrets by file and never copies them from the catalog', () => {
    const spec = makeSpec({
      routing: {
        pagerduty: { serviceId: 'PSECRETID', hasIntegrationKey: true },
        opsgenie: { team: 'Payments SRE' },
        slackChannel: '#payments-alerts',
        webhookUrl: 'https://hooks.example.com/payments',
      },
    });
    const { fragment } = generateAlertmanagerFragment(spec, {
      ...config,
      alertmanager: { ...config.alertmanager, secretsDir: '/run/secrets/' },
    });
    const pager = fragment.receivers.find(r => r.name === 'payments-pager')!;
    const ticket = fragment.receivers.find(r => r.name === 'payments-ticket')!;
    expect(pager.pagerduty_configs).toEqual([
      {
        routing_key_file: '/run/secrets/payments/pagerduty-routing-key',
        send_resolved: true,
      },
    ]);
    expect(pager.opsgenie_configs![0]).toMatchObject({
      api_key_file: '/run/secrets/payments/opsgenie-api-key',
      responders: [{ name: 'Payments SRE', type: 'team' }],
    });
    expect(ticket.slack_configs![0]).toMatchObject({
      api_url_file: '/run/secrets/payments/slack-webhook-url',
      channel: '#payments-alerts',
    });
    expect(ticket.webhook_configs).toEqual([
      { url: 'https://hooks.example.com/payments', send_resolved: true },
    ]);
    expect(JSON.stringify(fragment)).not.toContain('PSECRETID');
  });

  it('inhibits only slower burns under faster ones of the same service and slo', () => {
    const { fragment } = generateAlertmanagerFragment(makeSpec(), config);
    expect(
      fragment.inhibit_rules.map(r => [
        r.source_matchers[2],
        r.target_matchers[2],
      ]),
    ).toEqual([
      ['burn_window="fast"', 'burn_window=~"medium|slow|long"'],
      ['burn_window="medium"', 'burn_window=~"slow|long"'],
      ['burn_window="slow"', 'burn_window=~"long"'],
    ]);
    for (const rule of fragment.inhibit_rules) {
      // Static alerts carry no burn-rate alertname on either side, so none
      // can silence (or be silenced by) another symptom.
      expect(rule.source_matchers[1]).toBe('alertname="SLOErrorBudgetBurn"');
      expect(rule.target_matchers[1]).toBe('alertname="SLOErrorBudgetBurn"');
      expect(rule.equal).toEqual(['service', 'redline_namespace', 'slo']);
    }
  });

  it('sends critical to the ticket receiver with a finding when nobody can be paged', () => {
    const spec = makeSpec({ routing: { slackChannel: 'payments' } });
    const { fragment, findings } = generateAlertmanagerFragment(spec, config);
    expect(fragment.pagerReceiver).toBe('payments-ticket');
    expect(findings.map(f => f.id)).toEqual(['alertmanager.no-pager']);
  });

  it('sends warnings to the pager when there is no ticket channel', () => {
    const spec = makeSpec({ routing: { opsgenie: { team: 'payments' } } });
    const { fragment, findings } = generateAlertmanagerFragment(spec, config);
    expect(fragment.ticketReceiver).toBe('payments-pager');
    expect(fragment.route.receiver).toBe('payments-pager');
    expect(findings.map(f => f.id)).toEqual(['alertmanager.no-ticket']);
  });

  it('keeps a route but reports an error when no receiver is declared', () => {
    const { fragment, findings } = generateAlertmanagerFragment(
      makeBareSpec(),
      config,
    );
    expect(fragment.receivers).toEqual([{ name: 'unowned-ticket' }]);
    expect(findings).toEqual([
      expect.objectContaining({
        id: 'alertmanager.no-receiver',
        severity: 'error',
      }),
    ]);
  });

  it('rejects a slack channel or webhook it cannot trust', () => {
    const spec = makeSpec({
      routing: {
        slackChannel: 'a b{{ .x }}',
        // eslint-disable-next-line no-script-url -- the hostile value under test
        webhookUrl: 'javascript:alert(1)',
      },
    });
    const { fragment, findings } = generateAlertmanagerFragment(spec, config);
    expect(findings.map(f => f.id)).toEqual([
      'alertmanager.invalid-slack-channel',
      'alertmanager.invalid-webhook',
      'alertmanager.no-receiver',
    ]);
    expect(JSON.stringify(fragment)).not.toContain('javascript');
  });
});

describe('escaping', () => {
  it('quotes matcher values', () => {
    expect(alertmanagerMatcher('team', '=', 'a"b\\c\nd')).toBe(
      'team="a\\"b\\\\c\\nd"',
    );
  });

  it('turns template delimiters into a Go string literal', () => {
    expect(goTemplateLiteral('plain')).toBe('plain');
    expect(goTemplateLiteral('x {{ .Foo }} "y"')).toBe(
      '{{ "x {{ .Foo }} \\"y\\"" }}',
    );
  });
});

describe('toAlertmanagerConfig', () => {
  it('merges teams once and keeps a catch-all root receiver', () => {
    const a = generateAlertmanagerFragment(makeSpec(), config).fragment;
    const b = generateAlertmanagerFragment(
      makeSpec({ name: 'cart' }),
      config,
    ).fragment;
    const c = generateAlertmanagerFragment(
      makeSpec({ team: 'search', owner: 'group:default/search' }),
      config,
    ).fragment;
    const full = toAlertmanagerConfig([a, b, c]);
    expect(full.route.receiver).toBe('redline-default');
    expect(full.route.routes!.map(r => r.matchers)).toEqual([
      ['team="payments"'],
      ['team="search"'],
    ]);
    expect(full.receivers.map(r => r.name)).toEqual([
      'redline-default',
      'payments-pager',
      'payments-ticket',
      'search-pager',
      'search-ticket',
    ]);
  });

  it('renders YAML that parses back to the same config', () => {
    const { fragment } = generateAlertmanagerFragment(makeSpec(), config);
    const text = renderAlertmanagerYaml([fragment]);
    expect(text.startsWith('# Generated by Redline')).toBe(true);
    expect(parse(text)).toEqual(
      JSON.parse(JSON.stringify(toAlertmanagerConfig([fragment]))),
    );
  });
});

describeWithBinary('amtool')('amtool accepts the generated routing', amtool => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'redline-am-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function writeConfig(name: string, text: string): string {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  }

  function routeTest(file: string, expected: string, labels: string[]) {
    return spawnSync(
      amtool,
      [
        'config',
        'routes',
        'test',
        `--config.file=${file}`,
        `--verify.receivers=${expected}`,
        ...labels,
      ],
      { encoding: 'utf8' },
    );
  }

  it('check-config passes and critical pages, warning tickets', () => {
    const { fragment } = generateAlertmanagerFragment(makeSpec(), config);
    const file = writeConfig('full.yaml', renderAlertmanagerYaml([fragment]));
    const check = execFileSync(amtool, ['check-config', file], {
      encoding: 'utf8',
    });
    expect(check).toContain('SUCCESS');
    expect(check).toContain('3 inhibit rules');

    const critical = routeTest(file, 'payments-pager', [
      'team=payments',
      'severity=critical',
    ]);
    expect(critical.stdout.trim()).toBe('payments-pager');
    expect(critical.status).toBe(0);
    const warning = routeTest(file, 'payments-ticket', [
      'team=payments',
      'severity=warning',
    ]);
    expect(warning.stdout.trim()).toBe('payments-ticket');
    expect(warning.status).toBe(0);
    // --verify.receivers really verifies: a wrong expectation exits non-zero.
    expect(
      routeTest(file, 'payments-pager', ['team=payments', 'severity=warning'])
        .status,
    ).toBe(1);
    // Another team's alerts are not claimed by this fragment.
    expect(
      routeTest(file, 'redline-default', ['team=search', 'severity=critical'])
        .status,
    ).toBe(0);
  });

  it('check-config passes for every receiver combination and hostile team names', () => {
    const routings = [
      {},
      { slackChannel: 'x' },
      { webhookUrl: 'http://hooks.example.com:9/hook' },
      { pagerduty: { hasIntegrationKey: true } },
      { opsgenie: { team: 'Ops {{ "genie" }}\nteam' } },
    ];
    const fragments = routings.map(
      (routing, i) =>
        generateAlertmanagerFragment(
          makeSpec({ team: `team-${i} "q" \\ {{ .x }}`, routing }),
          config,
        ).fragment,
    );
    const file = writeConfig('combos.yaml', renderAlertmanagerYaml(fragments));
    const check = spawnSync(amtool, ['check-config', file], {
      encoding: 'utf8',
    });
    expect(check.stdout + check.stderr).toContain('SUCCESS');
    expect(check.status).toBe(0);
  });
});
