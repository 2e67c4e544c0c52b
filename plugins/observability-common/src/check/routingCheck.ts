/**
 * "Is an alert for this service routed to its owner?" answered from the
 * generated artifacts themselves: the Alertmanager configuration must have a
 * route matching the team label, its receiver must exist and notify someone,
 * and every generated alert must carry that team label.
 */
import { toAlertmanagerConfig } from '../generate/alertmanager';
import type { GeneratedArtifacts } from '../generate/types';
import type { Finding, ObservabilitySpec } from '../spec/types';
import { annotationSnippet, ownerSnippet } from './fixSnippets';
import type { CheckResult, EntityFacts } from './types';

interface RouteNode {
  receiver?: unknown;
  matchers?: unknown;
  match?: unknown;
  match_re?: unknown;
  routes?: unknown;
}

interface Matcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

const MATCHER = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$/;

/** Parses one matcher in Alertmanager's `matchers` syntax (value quoted or bare). @public */
export function parseAlertmanagerMatcher(text: string): Matcher | undefined {
  const m = MATCHER.exec(text);
  if (!m) return undefined;
  let value = m[3];
  if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) {
    try {
      value = JSON.parse(value);
    } catch {
      value = value.slice(1, -1);
    }
  }
  return { label: m[1], op: m[2] as Matcher['op'], value };
}

function regexMatches(pattern: string, value: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    return false;
  }
}

/** The matchers of a route, from `matchers` and the deprecated `match`/`match_re`. */
function routeMatchers(route: RouteNode): Matcher[] {
  const result: Matcher[] = [];
  if (Array.isArray(route.matchers)) {
    for (const text of route.matchers) {
      const m =
        typeof text === 'string' ? parseAlertmanagerMatcher(text) : undefined;
      if (m) result.push(m);
    }
  }
  for (const [key, op] of [
    ['match', '='],
    ['match_re', '=~'],
  ] as const) {
    const map = route[key];
    if (map && typeof map === 'object') {
      for (const [label, value] of Object.entries(map)) {
        result.push({ label, op, value: String(value) });
      }
    }
  }
  return result;
}

function matchesTeam(route: RouteNode, team: string): boolean {
  return routeMatchers(route).some(
    m =>
      m.label === 'team' &&
      ((m.op === '=' && m.value === team) ||
        (m.op === '=~' && regexMatches(m.value, team))),
  );
}

/** Depth-first search for the first route that claims the team, with its effective receiver. */
function findTeamRoute(
  route: RouteNode,
  team: string,
  inherited?: string,
): { receiver?: string } | undefined {
  const receiver =
    typeof route.receiver === 'string' ? route.receiver : inherited;
  if (matchesTeam(route, team)) return { receiver };
  if (Array.isArray(route.routes)) {
    for (const child of route.routes) {
      if (child && typeof child === 'object') {
        const found = findTeamRoute(child as RouteNode, team, receiver);
        if (found) return found;
      }
    }
  }
  return undefined;
}

function integrations(receiver: Record<string, unknown>): string[] {
  return Object.entries(receiver)
    .filter(
      ([key, value]) =>
        key.endsWith('_configs') && Array.isArray(value) && value.length > 0,
    )
    .map(([key]) => key.replace(/_configs$/, ''));
}

const RECEIVER_FIX = annotationSnippet({
  'pagerduty.com/integration-key': '<integration-key>',
  'redline.dev/slack-channel': 'team-alerts',
});

/** The running Alertmanager's configuration, or why it could not be read. */
type LiveConfig = NonNullable<EntityFacts['alertmanagerConfig']>;

type Verdict = Pick<CheckResult, 'status' | 'message' | 'fix'>;

/**
 * Whether `config` (an Alertmanager configuration read as objects) routes
 * the team's alerts to a receiver that notifies someone. `notes` are the
 * generator's own routing findings, which only apply to its configuration.
 */
function judgeRoutes(
  config: { route?: unknown; receivers?: unknown },
  team: string,
  notes: string[],
): Verdict {
  const root: RouteNode =
    config.route && typeof config.route === 'object'
      ? (config.route as RouteNode)
      : {};
  const found = findTeamRoute(root, team);
  if (!found) {
    return {
      status: 'fail',
      message: `No Alertmanager route matches team="${team}": its alerts would fall through to the default receiver.`,
    };
  }
  const receivers = Array.isArray(config.receivers)
    ? (config.receivers as Array<Record<string, unknown>>)
    : [];
  const receiver = receivers.find(r => r && r.name === found.receiver);
  if (!found.receiver || !receiver) {
    return {
      status: 'fail',
      message: `The route for team="${team}" points at receiver "${
        found.receiver ?? '(none)'
      }", which is not defined.`,
    };
  }
  const kinds = integrations(receiver);
  const noteText = notes.length ? ` ${notes.join(' ')}` : '';
  if (kinds.length === 0) {
    // A route to a receiver without integrations reaches no human: for the
    // owner that is the same as not being routed at all.
    return {
      status: 'fail',
      message: `Alerts for team="${team}" reach receiver "${found.receiver}", which notifies nobody.${noteText}`,
      fix: RECEIVER_FIX,
    };
  }
  return {
    status: notes.length ? 'warn' : 'pass',
    message: `Alerts for team="${team}" go to receiver "${
      found.receiver
    }" (${kinds.join(', ')}).${noteText}`,
    ...(notes.length ? { fix: RECEIVER_FIX } : {}),
  };
}

/**
 * Verdicts on a running Alertmanager's configuration, per team. A coverage
 * run checks every entity against the same configuration object (one fact
 * per cycle), and a team's services all get the same answer: walking and
 * parsing the route tree once per team instead of once per entity.
 */
const liveVerdicts = new WeakMap<object, Map<string, Verdict>>();

function judgeLiveRoutes(
  config: { route?: unknown; receivers?: unknown },
  team: string,
): Verdict {
  let byTeam = liveVerdicts.get(config);
  if (!byTeam) liveVerdicts.set(config, (byTeam = new Map()));
  let verdict = byTeam.get(team);
  if (!verdict) byTeam.set(team, (verdict = judgeRoutes(config, team, [])));
  return verdict;
}

/**
 * `routing.owner-route`: pass when the team's route exists and its receiver
 * notifies someone; warn when it does but the generator noted a gap (critical
 * alerts page nobody); fail when alerts would reach no one of the team;
 * unknown when no Alertmanager config was generated. When an Alertmanager is
 * configured (`live`), the routes checked are the ones it is running, read
 * from its `/api/v2/status`; the message always says which were checked.
 * @public
 */
export function routingCheck(
  spec: ObservabilitySpec,
  artifacts: GeneratedArtifacts,
  findings: Finding[] = [],
  live?: LiveConfig,
): CheckResult {
  const base = {
    id: 'routing.owner-route',
    category: 'routing' as const,
    title: 'Alerts routed to the owner',
  };
  if (!spec.owner || spec.team === 'unowned') {
    return {
      ...base,
      status: 'fail',
      message:
        'The entity has no owner, so its alerts cannot be routed to a team.',
      fix: ownerSnippet('group:default/your-team'),
    };
  }
  const unlabelled = artifacts.alerts.filter(a => a.labels.team !== spec.team);
  if (unlabelled.length > 0) {
    return {
      ...base,
      status: 'fail',
      message: `${unlabelled.length} generated alert(s) lack the label team="${
        spec.team
      }" and would bypass the team's route: ${unlabelled
        .map(a => a.key)
        .slice(0, 5)
        .join(', ')}.`,
    };
  }
  if (live?.status === 'ok') {
    const verdict = judgeLiveRoutes(live.config, spec.team);
    const applyFix =
      'Apply the generated Alertmanager configuration from the Observability tab and reload Alertmanager.';
    return {
      ...base,
      ...verdict,
      message: `${verdict.message} Checked in the running Alertmanager "${live.source}" (its loaded configuration).`,
      ...(verdict.status === 'fail' && !verdict.fix ? { fix: applyFix } : {}),
    };
  }
  if (!artifacts.alertmanager) {
    return {
      ...base,
      status: 'unknown',
      message: 'No Alertmanager configuration was generated for this entity.',
    };
  }
  // The generated configuration as Alertmanager would load it, read as
  // objects: what the routes say, not how the YAML happens to be printed.
  const generated = toAlertmanagerConfig([
    artifacts.alertmanager,
  ]) as unknown as { route?: unknown; receivers?: unknown };
  const notes = findings
    .filter(f => f.id.startsWith('alertmanager.') && f.severity !== 'info')
    .map(f => f.message);
  const verdict = judgeRoutes(generated, spec.team, notes);
  if (live?.status === 'unknown') {
    // What is running is unknown; a generated configuration that is itself
    // wrong is still worth failing on.
    return {
      ...base,
      ...verdict,
      status: verdict.status === 'fail' ? 'fail' : 'unknown',
      message: `${verdict.message} Checked in the generated configuration only: the running Alertmanager "${live.source}" could not be read (${live.reason}).`,
    };
  }
  return {
    ...base,
    ...verdict,
    message: `${verdict.message} Checked in the generated configuration (no Alertmanager is configured to compare with).`,
  };
}
