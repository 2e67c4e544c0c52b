import {
  alertmanagerMatcher,
  type AlertmanagerFragment,
} from '../alertmanager';
import { escapePromTemplateText } from '../escape';
import { observabilityTabUrlFor } from '../links';
import type { ArtifactGenerator } from '../registry';
import { ruleContextFor } from '../ruleContextCache';
import type { AlertingRule } from '../types';

/** Name of the always-firing alert. @public */
export const WATCHDOG_ALERT = 'Watchdog';

/**
 * Label that names whose rule file a Watchdog comes from. It replaces the
 * service label on purpose: a Watchdog is not one of the service's alerts,
 * so it never shows among them or counts as firing in their checks.
 * @public
 */
export const WATCHDOG_LABEL = 'redline_watchdog';

/** How often Alertmanager repeats the heartbeat when config does not say. @public */
export const DEFAULT_WATCHDOG_REPEAT_INTERVAL = '1m';

/**
 * A Prometheus that hangs stops evaluating rules, and Alertmanager then
 * resolves every alert after its timeout: the faults look fixed while
 * nothing watches them. An always-firing alert turns that silence into a
 * signal: a dead-man's-switch service behind the heartbeat receiver raises
 * the alarm when the heartbeats stop, and the tab reports the Watchdog
 * missing from Alertmanager.
 */
export const watchdogGenerator: ArtifactGenerator = {
  id: 'watchdog',
  generate({ spec, config, previous }) {
    const ctx = ruleContextFor(spec, config);
    const rule: AlertingRule = {
      alert: WATCHDOG_ALERT,
      expr: 'vector(1)',
      labels: {
        severity: 'none',
        team: ctx.escaped.team,
        [WATCHDOG_LABEL]: escapePromTemplateText(ctx.scopedName),
      },
      annotations: {
        summary: escapePromTemplateText(
          `Rules of ${ctx.scopedName} are being evaluated`,
        ),
        description:
          'Always firing while Prometheus evaluates this rule file. Its heartbeat stopping means the evaluator stopped: every other alert of the file is silent, not resolved.',
        // The tab says whether the evaluator runs; the alert's runbooks are
        // for the service's own faults.
        runbook_url: escapePromTemplateText(
          observabilityTabUrlFor(spec, config),
        ),
      },
    };
    return {
      ruleGroups: [
        { name: `redline:${ctx.scopedName}:watchdog`, rules: [rule] },
      ],
      ...(previous.alertmanager
        ? { alertmanager: withHeartbeatRoute(previous.alertmanager, config) }
        : {}),
    };
  },
};

/** The team's fragment with the Watchdog routed to its heartbeat receiver first. */
function withHeartbeatRoute(
  fragment: AlertmanagerFragment,
  config: Parameters<ArtifactGenerator['generate']>[0]['config'],
): AlertmanagerFragment {
  const receiver = `${fragment.team}-heartbeat`;
  const url = config.watchdog?.heartbeatUrl;
  const repeat =
    config.watchdog?.repeatInterval ?? DEFAULT_WATCHDOG_REPEAT_INTERVAL;
  return {
    ...fragment,
    route: {
      ...fragment.route,
      routes: [
        {
          receiver,
          matchers: [alertmanagerMatcher('alertname', '=', WATCHDOG_ALERT)],
          // A heartbeat is only useful on a steady beat, unbatched.
          group_wait: '0s',
          group_interval: repeat,
          repeat_interval: repeat,
        },
        ...(fragment.route.routes ?? []),
      ],
    },
    // Without a URL the receiver has no integration: the Watchdog still
    // fires and the tab still watches it, but no heartbeat leaves.
    receivers: [
      ...fragment.receivers,
      url
        ? { name: receiver, webhook_configs: [{ url, send_resolved: false }] }
        : { name: receiver },
    ],
  };
}
