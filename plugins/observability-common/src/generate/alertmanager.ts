/**
 * Alertmanager routing for one entity's owning team: the seed's
 * "alert storm -> aggregate and dedupe" strategy expressed as grouping and
 * inhibition. Receivers come from the entity's annotations, but no secret is
 * ever copied from catalog text: keys and webhook URLs that are secrets are
 * referenced by file (`*_file`), which operators fill from their secret store.
 */
import { DEFAULT_METRIC_NAMES, type GeneratorConfig } from '../spec/config';
import { hostRefusal } from '../spec/hostPolicy';
import type { Finding, ObservabilitySpec } from '../spec/types';
import { normalizeHttpUrl } from '../spec/url';
import { sanitizeText } from './escape';
import { portableText } from './portableText';
import { ruleContextFor } from './ruleContextCache';
import { NAMESPACE_LABEL } from './serviceScope';
import { toYaml } from './yamlWriter';

/**
 * Labels Redline alerts are grouped by: one notification per alert, service
 * and SLO, the service named by the configured `metrics.serviceLabel` and
 * told apart from a same-named service of another catalog namespace.
 * @public
 */
export function alertmanagerGroupBy(serviceLabel: string): string[] {
  return ['alertname', serviceLabel, NAMESPACE_LABEL, 'slo'];
}

/** Where `*_file` secret references point when config does not say otherwise. @public */
export const DEFAULT_ALERTMANAGER_SECRETS_DIR = '/etc/alertmanager/secrets';

/** Receiver of the catch-all root route in a standalone config: drops what no team claims. @public */
export const ALERTMANAGER_DEFAULT_RECEIVER = 'redline-default';

/** Burn windows from fastest to slowest; a faster burn inhibits every slower one. */
const BURN_WINDOWS = ['fast', 'medium', 'slow', 'long'];

/** @public */
export interface AlertmanagerRoute {
  receiver: string;
  matchers?: string[];
  group_by?: string[];
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  continue?: boolean;
  routes?: AlertmanagerRoute[];
}

/** A receiver; integration configs are kept loose because Alertmanager owns their schema. @public */
export interface AlertmanagerReceiver {
  name: string;
  pagerduty_configs?: Array<Record<string, unknown>>;
  opsgenie_configs?: Array<Record<string, unknown>>;
  slack_configs?: Array<Record<string, unknown>>;
  webhook_configs?: Array<Record<string, unknown>>;
}

/** @public */
export interface AlertmanagerInhibitRule {
  source_matchers: string[];
  target_matchers: string[];
  equal: string[];
}

/** The part of an Alertmanager config one team contributes. @public */
export interface AlertmanagerFragment {
  team: string;
  /** The team's route, to be placed under the root route's `routes`. */
  route: AlertmanagerRoute;
  receivers: AlertmanagerReceiver[];
  inhibit_rules: AlertmanagerInhibitRule[];
  /** Receiver that gets `severity="critical"`. */
  pagerReceiver: string;
  /** Receiver that gets everything else (warnings, info). */
  ticketReceiver: string;
}

/** A complete Alertmanager configuration (what `amtool check-config` accepts). @public */
export interface AlertmanagerConfig {
  route: AlertmanagerRoute;
  receivers: AlertmanagerReceiver[];
  inhibit_rules: AlertmanagerInhibitRule[];
}

/**
 * A label matcher in Alertmanager's `matchers` syntax; the value is quoted and
 * escaped (`\\`, `"`, newline) so catalog text cannot break out of it.
 * @public
 */
export function alertmanagerMatcher(
  label: string,
  op: '=' | '!=' | '=~' | '!~',
  value: string,
): string {
  // Most values (severities, alert names, team names) need no escaping:
  // one scan instead of three replaces, for the ~20 matchers of each team.
  const escaped = !/[\\"\r\n]/.test(value)
    ? value
    : value
        .replace(/\\/g, '\\\\')
        .replace(/"/g, '\\"')
        .replace(/\r?\n|\r/g, '\\n');
  return `${label}${op}"${escaped}"`;
}

/**
 * Alertmanager renders some receiver fields (Slack channel, Opsgenie
 * responders) as Go templates. Catalog text containing template delimiters is
 * turned into a Go string literal inside `{{ }}`, which renders verbatim.
 * @public
 */
export function goTemplateLiteral(text: string): string {
  if (!text.includes('{{') && !text.includes('}}')) return text;
  // Go rejects escaped surrogate halves; replace lone ones like toWellFormed() does.
  const wellFormed = text.replace(
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    '\uFFFD',
  );
  return `{{ ${JSON.stringify(wellFormed)} }}`;
}

/** A path segment safe for secret file names, whatever the team is called. */
function fileSegment(team: string): string {
  const slug = team
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[.-]+/, '');
  return slug || 'team';
}

const SLACK_CHANNEL = /^[a-z0-9][a-z0-9._-]{0,79}$/;

interface ReceiverConfigs {
  pager: Omit<AlertmanagerReceiver, 'name'>;
  ticket: Omit<AlertmanagerReceiver, 'name'>;
}

function receiverConfigs(
  spec: ObservabilitySpec,
  team: string,
  serviceLabel: string,
  secretsDir: string,
  webhookHosts: readonly string[] | undefined,
  findings: Finding[],
): ReceiverConfigs {
  const dir = `${secretsDir.replace(/\/+$/, '')}/${fileSegment(team)}`;
  const pager: ReceiverConfigs['pager'] = {};
  const ticket: ReceiverConfigs['ticket'] = {};
  const { routing } = spec;

  if (routing.pagerduty) {
    pager.pagerduty_configs = [
      {
        // The integration key in the catalog is a secret: reference a file instead.
        routing_key_file: `${dir}/pagerduty-routing-key`,
        send_resolved: true,
      },
    ];
  }
  if (routing.opsgenie) {
    const responder = portableText(sanitizeText(routing.opsgenie.team)).trim();
    if (responder) {
      pager.opsgenie_configs = [
        {
          api_key_file: `${dir}/opsgenie-api-key`,
          responders: [{ name: goTemplateLiteral(responder), type: 'team' }],
          send_resolved: true,
        },
      ];
    } else {
      findings.push({
        id: 'alertmanager.invalid-opsgenie-team',
        severity: 'warning',
        message:
          'The Opsgenie team is empty; no Opsgenie receiver was generated.',
        annotation: 'opsgenie.com/team',
        value: routing.opsgenie.team,
        expected: 'the name of an Opsgenie team',
      });
    }
  }
  if (routing.slackChannel !== undefined) {
    const channel = routing.slackChannel.replace(/^#/, '');
    if (SLACK_CHANNEL.test(channel)) {
      ticket.slack_configs = [
        {
          api_url_file: `${dir}/slack-webhook-url`,
          channel: `#${channel}`,
          send_resolved: true,
          title: `[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} {{ .CommonLabels.${serviceLabel} }}`,
          text: '{{ range .Alerts }}{{ .Annotations.summary }}\n{{ .Annotations.runbook_url }}\n{{ end }}',
        },
      ];
    } else {
      findings.push({
        id: 'alertmanager.invalid-slack-channel',
        severity: 'warning',
        message:
          'The Slack channel is not a valid channel name; no Slack receiver was generated.',
        annotation: 'redline.dev/slack-channel',
        value: routing.slackChannel,
        expected:
          'lowercase letters, digits, `-`, `_` or `.`, at most 80 characters',
      });
    }
  }
  if (routing.webhookUrl !== undefined) {
    const url = normalizeHttpUrl(portableText(routing.webhookUrl));
    const refusal = url && hostRefusal(url, webhookHosts);
    if (url && refusal) {
      findings.push({
        id: 'alertmanager.webhook-host-not-allowed',
        severity: 'warning',
        message: `The alert webhook is not allowed (${refusal}); no webhook receiver was generated. Operators allow hosts with observability.alertWebhook.allowedHosts.`,
        annotation: 'redline.dev/alert-webhook',
        value: routing.webhookUrl,
        expected: webhookHosts?.length
          ? `a URL on one of: ${webhookHosts.join(', ')}`
          : 'a URL on a public host',
      });
    } else if (url) {
      ticket.webhook_configs = [{ url, send_resolved: true }];
    } else {
      findings.push({
        id: 'alertmanager.invalid-webhook',
        severity: 'warning',
        message:
          'The alert webhook is not an http(s) URL; no webhook receiver was generated.',
        annotation: 'redline.dev/alert-webhook',
        value: routing.webhookUrl,
        expected: 'an absolute http:// or https:// URL',
      });
    }
  }
  return { pager, ticket };
}

function isEmpty(configs: Omit<AlertmanagerReceiver, 'name'>): boolean {
  return Object.keys(configs).length === 0;
}

/**
 * Builds the owning team's route, receivers and inhibition rules.
 *
 * - `severity="critical"` goes to the team's pager receiver (PagerDuty and/or
 *   Opsgenie), everything else to its ticket receiver (Slack and/or webhook).
 *   When one side is missing the other takes its alerts, with a finding, so
 *   nothing is silently dropped; with no receiver at all the route still
 *   exists (alerts stay visible in Alertmanager) and an error finding says so.
 * - Alerts are grouped by alertname, the service label and SLO with the
 *   configured wait, interval and repeat, so a storm becomes one
 *   notification per symptom.
 * - Inhibition only within one SLO of one service: a faster error-budget
 *   burn silences the slower ones. No rule crosses symptoms, because the
 *   static alerts (error rate, latency, traffic) carry no `slo` label: a
 *   generic "critical silences warning" with `equal: [service, slo]` would let
 *   a latency page hide an error-rate or traffic ticket of the same service.
 * - `SLOErrorBudgetExhausted` neither inhibits nor is inhibited by the burn
 *   alerts: it is a state (budget policy: freeze risky changes), they are an
 *   ongoing incident. Silencing burns by it would mute pages exactly when the
 *   service has no margin left; silencing it by a burn would hide, for as
 *   long as a slow burn lasts (days), that the objective is already missed.
 * @public
 */
export function generateAlertmanagerFragment(
  spec: ObservabilitySpec,
  config: GeneratorConfig,
): { fragment: AlertmanagerFragment; findings: Finding[] } {
  const findings: Finding[] = [];
  // The same `team` value the alert rules carry, so the route matches them.
  const team = portableText(ruleContextFor(spec, config).team);
  const { serviceLabel } = spec.metrics;
  const secretsDir =
    config.alertmanager.secretsDir ?? DEFAULT_ALERTMANAGER_SECRETS_DIR;
  const { pager, ticket } = receiverConfigs(
    spec,
    team,
    serviceLabel,
    secretsDir,
    config.alertWebhook?.allowedHosts,
    findings,
  );

  const pagerName = `${team}-pager`;
  const ticketName = `${team}-ticket`;
  let pagerReceiver = pagerName;
  let ticketReceiver = ticketName;
  const receivers: AlertmanagerReceiver[] = [];

  if (isEmpty(pager) && isEmpty(ticket)) {
    findings.push({
      id: 'alertmanager.no-receiver',
      severity: 'error',
      message: `No PagerDuty, Opsgenie, Slack or webhook receiver is declared, so alerts for team "${team}" notify nobody.`,
      annotation: 'pagerduty.com/integration-key',
      fix: `metadata:\n  annotations:\n    pagerduty.com/integration-key: <key>\n    redline.dev/slack-channel: ${fileSegment(
        team,
      )}-alerts`,
    });
    ticketReceiver = ticketName;
    pagerReceiver = ticketName;
    receivers.push({ name: ticketName });
  } else if (isEmpty(pager)) {
    findings.push({
      id: 'alertmanager.no-pager',
      severity: 'warning',
      message: `No PagerDuty or Opsgenie receiver is declared: critical alerts for team "${team}" go to the ticket receiver and page nobody.`,
      annotation: 'pagerduty.com/integration-key',
      fix: 'metadata:\n  annotations:\n    pagerduty.com/integration-key: <key>',
    });
    pagerReceiver = ticketName;
    receivers.push({ name: ticketName, ...ticket });
  } else if (isEmpty(ticket)) {
    findings.push({
      id: 'alertmanager.no-ticket',
      severity: 'info',
      message: `No Slack channel or webhook is declared: warnings for team "${team}" go to the pager receiver.`,
      annotation: 'redline.dev/slack-channel',
      fix: `metadata:\n  annotations:\n    redline.dev/slack-channel: ${fileSegment(
        team,
      )}-alerts`,
    });
    ticketReceiver = pagerName;
    receivers.push({ name: pagerName, ...pager });
  } else {
    receivers.push(
      { name: pagerName, ...pager },
      { name: ticketName, ...ticket },
    );
  }

  const teamMatcher = alertmanagerMatcher('team', '=', team);
  const route: AlertmanagerRoute = {
    receiver: ticketReceiver,
    matchers: [teamMatcher],
    group_by: alertmanagerGroupBy(serviceLabel),
    group_wait: config.alertmanager.groupWait,
    group_interval: config.alertmanager.groupInterval,
    repeat_interval: config.alertmanager.repeatInterval,
    routes: [
      {
        receiver: pagerReceiver,
        matchers: [alertmanagerMatcher('severity', '=', 'critical')],
      },
    ],
  };

  const burnMatcher = alertmanagerMatcher(
    'alertname',
    '=',
    'SLOErrorBudgetBurn',
  );
  const inhibit_rules: AlertmanagerInhibitRule[] = BURN_WINDOWS.slice(
    0,
    -1,
  ).map((window, i) => ({
    source_matchers: [
      teamMatcher,
      burnMatcher,
      alertmanagerMatcher('burn_window', '=', window),
    ],
    target_matchers: [
      teamMatcher,
      burnMatcher,
      alertmanagerMatcher(
        'burn_window',
        '=~',
        BURN_WINDOWS.slice(i + 1).join('|'),
      ),
    ],
    // A label absent on both sides counts as equal, so default-namespace
    // services (which carry no namespace label) still inhibit each other's
    // slower burns, and never a same-named service's of another namespace.
    equal: [serviceLabel, NAMESPACE_LABEL, 'slo'],
  }));

  return {
    fragment: {
      team,
      route,
      receivers,
      inhibit_rules,
      pagerReceiver,
      ticketReceiver,
    },
    findings,
  };
}

/**
 * Wraps team fragments into a complete configuration: a root route with a
 * receiver that drops unclaimed alerts and the teams' routes under it. Teams
 * appearing twice (several services of one team) are merged once.
 * @public
 */
export function toAlertmanagerConfig(
  fragments: AlertmanagerFragment[],
): AlertmanagerConfig {
  const seenTeams = new Set<string>();
  const seenReceivers = new Set<string>([ALERTMANAGER_DEFAULT_RECEIVER]);
  const routes: AlertmanagerRoute[] = [];
  const receivers: AlertmanagerReceiver[] = [
    { name: ALERTMANAGER_DEFAULT_RECEIVER },
  ];
  const inhibit_rules: AlertmanagerInhibitRule[] = [];
  for (const fragment of fragments) {
    if (seenTeams.has(fragment.team)) continue;
    seenTeams.add(fragment.team);
    routes.push(fragment.route);
    inhibit_rules.push(...fragment.inhibit_rules);
    for (const receiver of fragment.receivers) {
      if (seenReceivers.has(receiver.name)) continue;
      seenReceivers.add(receiver.name);
      receivers.push(receiver);
    }
  }
  // Fragments of one run share one config, so the first names the service
  // label for the root route too.
  const groupBy =
    fragments[0]?.route.group_by ??
    alertmanagerGroupBy(DEFAULT_METRIC_NAMES.serviceLabel);
  return {
    route: {
      receiver: ALERTMANAGER_DEFAULT_RECEIVER,
      group_by: [...groupBy],
      routes,
    },
    receivers,
    inhibit_rules,
  };
}

/**
 * `alertmanager.yaml`: a complete, checkable configuration whose header
 * points to the catalog-level config, since fragments cannot be concatenated.
 * @public
 */
export function renderAlertmanagerYaml(
  fragments: AlertmanagerFragment[],
): string {
  const header = [
    '# Generated by Redline for one entity: a complete Alertmanager configuration (amtool check-config passes).',
    '# Alertmanager reads one config, and entities of one team declare the same receiver names: do not',
    '# concatenate these files. `redline generate` writes the merged config for the whole catalog to',
    '# alertmanager/alertmanager.yaml and one per team to alertmanager/teams/<team>.yaml.',
    `# Secrets are read from files (*_file); create them from your secret store, e.g. ${DEFAULT_ALERTMANAGER_SECRETS_DIR}/<team>/pagerduty-routing-key.`,
  ].join('\n');
  return `${header}\n${toYaml(toAlertmanagerConfig(fragments))}`;
}
