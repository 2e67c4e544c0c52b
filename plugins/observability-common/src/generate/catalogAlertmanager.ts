/**
 * One Alertmanager configuration for a whole catalog. Alertmanager reads a
 * single config, and per-entity fragments cannot simply be concatenated:
 * services of one team each carry the team's receivers, and Alertmanager
 * rejects a receiver name declared twice. Here the fragments are merged per
 * team: one route, one pager and one ticket receiver, inhibit rules once.
 */
import type { Finding } from '../spec/types';
import {
  ALERTMANAGER_DEFAULT_RECEIVER,
  DEFAULT_ALERTMANAGER_SECRETS_DIR,
  alertmanagerGroupBy,
  type AlertmanagerConfig,
  type AlertmanagerFragment,
  type AlertmanagerInhibitRule,
  type AlertmanagerReceiver,
  type AlertmanagerRoute,
} from './alertmanager';
import { DEFAULT_METRIC_NAMES } from '../spec/config';
import { toYaml } from './yamlWriter';

/** What the merge needs of one entity; an entity's `GeneratedArtifacts` fits. @public */
export interface EntityAlertmanagerFragment {
  entityRef: string;
  alertmanager?: AlertmanagerFragment;
}

/** A finding about several entities together. @public */
export interface CatalogFinding extends Finding {
  /** The entities involved, sorted. */
  entityRefs: string[];
}

/** @public */
export interface CatalogAlertmanagerOptions {
  /** Only this team's route, receivers and inhibit rules (still a complete config). */
  team?: string;
}

/** @public */
export interface CatalogAlertmanager {
  config: AlertmanagerConfig;
  /** Teams with a route in `config`, sorted. */
  teams: string[];
  findings: CatalogFinding[];
}

type IntegrationKey = Exclude<keyof AlertmanagerReceiver, 'name'>;

const PAGER_INTEGRATIONS: IntegrationKey[] = [
  'pagerduty_configs',
  'opsgenie_configs',
];
const TICKET_INTEGRATIONS: IntegrationKey[] = [
  'slack_configs',
  'webhook_configs',
];
const INTEGRATIONS = [...PAGER_INTEGRATIONS, ...TICKET_INTEGRATIONS];

/** Sorts the same in every locale, so file contents never depend on the machine. */
function byCodeUnits(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** JSON with sorted keys: two receivers are the same when this text is. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v).sort(([a], [b]) => byCodeUnits(a, b)),
        )
      : v,
  );
}

const hasAny = (r: AlertmanagerReceiver, keys: IntegrationKey[]) =>
  keys.some(key => (r[key]?.length ?? 0) > 0);

/**
 * Receivers of one name, merged. Identical ones collapse; differing ones
 * are resolved by taking the union of their integrations, in entity-ref
 * order, so no target an entity declared is dropped (each then gets all of
 * the team's alerts of that severity) and the output does not depend on the
 * catalog's order. A receiver without targets adds nothing.
 */
function mergeReceivers(
  name: string,
  declared: Array<{ entityRef: string; receiver: AlertmanagerReceiver }>,
  findings: CatalogFinding[],
): AlertmanagerReceiver {
  const withTargets = declared.filter(d => hasAny(d.receiver, INTEGRATIONS));
  const merged: AlertmanagerReceiver = { name };
  for (const key of INTEGRATIONS) {
    const seen = new Set<string>();
    const configs = withTargets
      .flatMap(d => d.receiver[key] ?? [])
      .filter(c => {
        const text = canonical(c);
        if (seen.has(text)) return false;
        seen.add(text);
        return true;
      });
    if (configs.length > 0) merged[key] = configs;
  }

  const first = withTargets[0];
  const differing = withTargets.filter(
    d => canonical(d.receiver) !== canonical(first.receiver),
  );
  if (differing.length > 0) {
    const others = differing.map(d => d.entityRef);
    findings.push({
      id: 'alertmanager.receiver-conflict',
      severity: 'warning',
      message: `Receiver "${name}" is declared differently by ${
        first.entityRef
      } and ${others.join(
        ', ',
      )}; the catalog config sends to every target they declare, so each receives all of the team's alerts of that severity. Declare the same targets on every entity of the team to silence this.`,
      value: name,
      entityRefs: [first.entityRef, ...others].sort(byCodeUnits),
    });
  }
  return merged;
}

interface TeamPart {
  route: AlertmanagerRoute;
  receivers: AlertmanagerReceiver[];
  inhibitRules: AlertmanagerInhibitRule[];
}

/**
 * One team's part. Critical alerts go to the receiver with a pager
 * integration when any entity of the team declares one, the rest to the one
 * with a ticket integration; when one kind is missing the other takes its
 * alerts, the same fallbacks a fragment applies for a single entity.
 */
function mergeTeam(
  entities: Array<{ entityRef: string; fragment: AlertmanagerFragment }>,
  findings: CatalogFinding[],
): TeamPart {
  const byName = new Map<
    string,
    Array<{ entityRef: string; receiver: AlertmanagerReceiver }>
  >();
  for (const { entityRef, fragment } of entities) {
    for (const receiver of fragment.receivers) {
      const list = byName.get(receiver.name) ?? [];
      list.push({ entityRef, receiver });
      byName.set(receiver.name, list);
    }
  }
  const receivers = [...byName].map(([name, declared]) =>
    mergeReceivers(name, declared, findings),
  );

  const template = entities[0].fragment;
  const pagerKind = receivers.find(r => hasAny(r, PAGER_INTEGRATIONS));
  const ticketKind = receivers.find(r => hasAny(r, TICKET_INTEGRATIONS));
  const pager = (pagerKind ?? ticketKind)?.name ?? template.ticketReceiver;
  const ticket = (ticketKind ?? pagerKind)?.name ?? template.ticketReceiver;

  // A fragment's route sends the rest to its ticket receiver, and its child
  // routes are the critical ones, sent to its pager receiver.
  const route: AlertmanagerRoute = {
    ...template.route,
    receiver: ticket,
    ...(template.route.routes
      ? {
          routes: template.route.routes.map(child => ({
            ...child,
            // Only the critical routes page; the Watchdog's keeps its
            // heartbeat receiver (paging every minute would be absurd).
            receiver:
              child.receiver === template.pagerReceiver
                ? pager
                : child.receiver,
          })),
        }
      : {}),
  };

  const shape = (r: AlertmanagerRoute) =>
    canonical({ ...r, receiver: '', routes: [] });
  const reported = new Set<string>([shape(template.route)]);
  for (const { entityRef, fragment } of entities.slice(1)) {
    const text = shape(fragment.route);
    if (reported.has(text)) continue;
    reported.add(text);
    findings.push({
      id: 'alertmanager.route-conflict',
      severity: 'warning',
      message: `The team route of ${entityRef} (grouping or timing) differs from that of ${entities[0].entityRef}; the catalog config uses the latter's.`,
      value: template.team,
      entityRefs: [entities[0].entityRef, entityRef].sort(byCodeUnits),
    });
  }

  return {
    route,
    receivers: [
      ...new Set([
        pager,
        ticket,
        ...(route.routes ?? []).map(child => child.receiver),
      ]),
    ].flatMap(name => receivers.filter(r => r.name === name)),
    inhibitRules: entities.flatMap(e => e.fragment.inhibit_rules),
  };
}

/**
 * Builds the catalog's Alertmanager configuration from every entity's
 * fragment: a root route whose receiver drops what no team claims, one route
 * per team (sorted by team), receivers merged by name (conflicts become
 * {@link CatalogFinding}s) and inhibit rules without duplicates. With
 * `options.team`, only that team's parts.
 * @public
 */
export function buildCatalogAlertmanagerConfig(
  entities: readonly EntityAlertmanagerFragment[],
  options: CatalogAlertmanagerOptions = {},
): CatalogAlertmanager {
  const byTeam = new Map<
    string,
    Array<{ entityRef: string; fragment: AlertmanagerFragment }>
  >();
  const sorted = [...entities].sort((a, b) =>
    byCodeUnits(a.entityRef, b.entityRef),
  );
  for (const { entityRef, alertmanager: fragment } of sorted) {
    if (!fragment) continue;
    if (options.team !== undefined && fragment.team !== options.team) continue;
    const list = byTeam.get(fragment.team) ?? [];
    list.push({ entityRef, fragment });
    byTeam.set(fragment.team, list);
  }
  const teams = [...byTeam.keys()].sort(byCodeUnits);

  const findings: CatalogFinding[] = [];
  const routes: AlertmanagerRoute[] = [];
  const receivers: AlertmanagerReceiver[] = [
    { name: ALERTMANAGER_DEFAULT_RECEIVER },
  ];
  const inhibitRules = new Map<string, AlertmanagerInhibitRule>();
  for (const team of teams) {
    const part = mergeTeam(byTeam.get(team)!, findings);
    routes.push(part.route);
    receivers.push(...part.receivers);
    for (const rule of part.inhibitRules) {
      const key = canonical(rule);
      if (!inhibitRules.has(key)) inhibitRules.set(key, rule);
    }
  }

  const groupBy =
    routes[0]?.group_by ??
    alertmanagerGroupBy(DEFAULT_METRIC_NAMES.serviceLabel);
  return {
    config: {
      route: {
        receiver: ALERTMANAGER_DEFAULT_RECEIVER,
        group_by: [...groupBy],
        routes,
      },
      receivers,
      inhibit_rules: [...inhibitRules.values()],
    },
    teams,
    findings,
  };
}

/**
 * The catalog-level `alertmanager.yaml` (or one team's), with a header
 * saying where it came from and which secret files it reads.
 * @public
 */
export function renderCatalogAlertmanagerYaml(
  catalog: CatalogAlertmanager,
  options: CatalogAlertmanagerOptions = {},
): string {
  const scope =
    options.team === undefined
      ? `every team of the catalog (${catalog.teams.length})`
      : `team ${JSON.stringify(options.team)} only`;
  const header = [
    `# Generated by Redline: the Alertmanager configuration for ${scope}.`,
    '# Complete and checkable (amtool check-config); receivers shared by several services of a team appear once.',
    `# Secrets are read from files (*_file); create them from your secret store, e.g. ${DEFAULT_ALERTMANAGER_SECRETS_DIR}/<team>/pagerduty-routing-key.`,
  ].join('\n');
  return `${header}\n${toYaml(catalog.config)}`;
}
