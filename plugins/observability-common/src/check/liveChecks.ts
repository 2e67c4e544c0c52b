/**
 * Checks whose facts come from outside (catalog, HTTP, Prometheus,
 * Alertmanager). A missing fact is `unknown` with the reason — the view
 * still answers — never a failure the team cannot act on.
 */
import type { GeneratedArtifacts } from '../generate/types';
import type { ObservabilitySpec } from '../spec/types';
import { ownerSnippet } from './fixSnippets';
import { type CheckIdentity, judgeLiveFact } from './judgeLiveFact';
import { type NamesOfKind, ruleNameIndex } from './ruleNameIndex';
import type { CheckResult, EntityFacts } from './types';

const list = (items: string[], max = 5) =>
  items.length > max
    ? `${items.slice(0, max).join(', ')} and ${items.length - max} more`
    : items.join(', ');

/** `ownership.owner-exists`. @public */
export function ownerCheck(
  spec: ObservabilitySpec,
  facts: EntityFacts,
): CheckResult {
  const identity: CheckIdentity = {
    id: 'ownership.owner-exists',
    category: 'ownership',
    title: 'Owner exists',
  };
  if (!spec.owner) {
    return {
      ...identity,
      status: 'fail',
      message:
        'The entity has no spec.owner: nobody is accountable for its alerts.',
      fix: ownerSnippet('group:default/your-team'),
    };
  }
  return judgeLiveFact(
    identity,
    facts.ownerExists,
    `Could not look up ${spec.owner} in the catalog.`,
    exists =>
      exists
        ? { status: 'pass', message: `${spec.owner} is in the catalog.` }
        : {
            status: 'fail',
            message: `${spec.owner} is not in the catalog: alerts name a team nobody can find.`,
            fix: ownerSnippet(spec.owner),
          },
  );
}

/** `runbook.links-answer`: the entity's runbook links respond. @public */
export function runbookCheck(
  spec: ObservabilitySpec,
  facts: EntityFacts,
): CheckResult {
  const identity: CheckIdentity = {
    id: 'runbook.links-answer',
    category: 'runbook',
    title: 'Runbook links answer',
  };
  if (!spec.links.runbookUrl && !facts.runbooks?.length) {
    return {
      ...identity,
      status: 'pass',
      message:
        'Alerts link to the runbooks Redline generates and serves in the portal.',
    };
  }
  return judgeLiveFact(
    identity,
    facts.runbooks,
    'Runbook links were not probed.',
    runbooks => {
      // Links the backend chose not to contact (host not allowed) say nothing
      // about whether the page exists.
      const skipped = runbooks.filter(r => r.skipped);
      const probed = runbooks.filter(r => !r.skipped);
      const skippedNote = skipped.length
        ? ` Not probed: ${list(skipped.map(r => `${r.url} (${r.skipped})`))}.`
        : '';
      if (probed.length === 0) {
        return {
          status: 'unknown',
          message: `Runbook links were not probed.${skippedNote}`,
          fix: 'Add the runbook host to observability.runbookCheck.allowedHosts to have it checked.',
        };
      }
      const broken = probed.filter(r => !r.ok);
      if (broken.length === 0) {
        return {
          status: 'pass',
          message: `${probed.length} runbook link(s) answer.${skippedNote}`,
        };
      }
      return {
        status: 'fail',
        message: `Runbook link(s) do not answer: ${list(
          broken.map(r => `${r.url} (${r.status ?? r.error ?? 'no answer'})`),
        )}.${skippedNote}`,
        fix: 'Fix the page or point redline.dev/runbook-url at a page that exists.',
      };
    },
  );
}

/** How many of a kind of generated rule Prometheus has loaded, and which are missing. */
interface RuleTally {
  total: number;
  missing: string[];
}

/**
 * Counts rules as the rule file (and the tab's alert table) lists them: one
 * per rule, so SLO burn-rate alerts sharing a name count once per window;
 * each missing name is listed once, in file order.
 */
function tally(names: NamesOfKind, loaded: readonly string[]): RuleTally {
  const seen = new Set(loaded);
  return {
    total: names.ruleCount,
    missing: names.inFileOrder.filter(name => !seen.has(name)),
  };
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** `deployment.rules-loaded`: Prometheus has this entity's generated alerts loaded. @public */
export function rulesLoadedCheck(
  artifacts: GeneratedArtifacts,
  facts: EntityFacts,
): CheckResult {
  return judgeLiveFact(
    {
      id: 'deployment.rules-loaded',
      category: 'deployment',
      title: 'Rules loaded in Prometheus',
    },
    facts.deployedRules,
    'No Prometheus was asked.',
    deployed => {
      const names = ruleNameIndex(artifacts);
      if (names.serviceAlerts.inFileOrder.length === 0) {
        return {
          status: 'warn',
          message: 'No alerts were generated for this entity.',
        };
      }
      const alerting = tally(names.serviceAlerts, deployed.loadedAlerts);
      const recording = tally(names.records, deployed.loadedRecords);
      const elsewhere = artifacts.alerts.length - alerting.total;
      // Alerts that go to another ruler (the Loki log fallback) are listed
      // in the table too; say why they are not counted here.
      const elsewhereNote =
        elsewhere > 0
          ? ` ${plural(elsewhere, 'log-based alert')} run${
              elsewhere === 1 ? 's' : ''
            } in the Loki ruler and ${
              elsewhere === 1 ? 'is' : 'are'
            } not checked here.`
          : '';
      const fix =
        'Apply the generated rules from the Observability tab (or copy prometheus-rules.yaml into the rules directory) and reload Prometheus.';
      const recordsMissing = recording.missing.length
        ? ` Recording rules not loaded: ${list(
            recording.missing,
          )}, so the alerts built on them stay silent.`
        : '';
      if (alerting.missing.length === 0 && recording.missing.length === 0) {
        return {
          status: 'pass',
          message: `All ${plural(alerting.total, 'alerting rule')} and ${plural(
            recording.total,
            'recording rule',
          )} are loaded in Prometheus.${elsewhereNote}`,
        };
      }
      if (alerting.missing.length === 0) {
        return {
          status: 'warn',
          message: `All ${plural(
            alerting.total,
            'alerting rule',
          )} are loaded in Prometheus.${recordsMissing}${elsewhereNote}`,
          fix,
        };
      }
      if (alerting.missing.length === names.serviceAlerts.inFileOrder.length) {
        return {
          status: 'fail',
          message: 'None of the generated alerts is loaded.',
          fix,
        };
      }
      return {
        status: 'warn',
        message: `${alerting.missing.length} of ${plural(
          names.serviceAlerts.inFileOrder.length,
          'alert name',
        )} not loaded in Prometheus: ${list(
          alerting.missing,
        )}.${recordsMissing}${elsewhereNote}`,
        fix,
      };
    },
  );
}

/** `metrics.exist`: the RED metrics exist, or the log-based fallback answers. @public */
export function metricsCheck(
  spec: ObservabilitySpec,
  facts: EntityFacts,
): CheckResult {
  const identity: CheckIdentity = {
    id: 'metrics.exist',
    category: 'metrics',
    title: 'RED metrics exist',
  };
  const fact = facts.metrics;
  // Unanswered, but the log signal stands in: worth a warning, not an unknown.
  if (fact?.status === 'unknown' && fact.fallback === 'logs') {
    return {
      ...identity,
      status: 'warn',
      // The reason already says that collection failed and what stands in.
      message: fact.reason,
    };
  }
  return judgeLiveFact(identity, fact, 'No Prometheus was asked.', series => {
    const fix = `Expose ${spec.metrics.requestsTotal}{${spec.metrics.statusLabel}} and ${spec.metrics.durationHistogram} with ${spec.selector.value}, or correct redline.dev/metrics-selector.`;
    if (series.missing.length === 0) {
      return {
        status: 'pass',
        message: `Found ${list(series.present)} for {${spec.selector.value}}.`,
      };
    }
    if (series.present.length === 0) {
      return {
        status: 'fail',
        message: `No series for {${spec.selector.value}}: every generated alert would stay silent.`,
        fix,
      };
    }
    return {
      status: 'warn',
      message: `Missing ${list(series.missing)} for {${spec.selector.value}}.`,
      fix,
    };
  });
}

/** `alerts.firing`: what is firing now for this entity. @public */
export function firingCheck(facts: EntityFacts): CheckResult {
  return judgeLiveFact(
    {
      id: 'alerts.firing',
      category: 'alerts',
      title: 'Firing alerts',
    },
    facts.firingAlerts,
    'No Alertmanager or Prometheus was asked.',
    ({ alerts }) => {
      const firing = alerts.filter(a => a.state === 'firing');
      if (firing.length === 0) {
        const pending = alerts.filter(a => a.state === 'pending').length;
        return {
          status: 'pass',
          message: pending
            ? `Nothing firing (${pending} pending).`
            : 'Nothing firing.',
        };
      }
      const names = firing.map(a =>
        a.count > 1 ? `${a.name} ×${a.count}` : a.name,
      );
      const critical = firing.some(a => a.severity === 'critical');
      return {
        status: critical ? 'fail' : 'warn',
        message: `${firing.length} alert(s) firing: ${list(names)}.`,
        fix: 'Open the runbook linked from each alert.',
      };
    },
  );
}

/** `lint.rules`: the rule linter's findings on this entity's live rules. @public */
export function lintCheck(facts: EntityFacts): CheckResult {
  return judgeLiveFact(
    {
      id: 'lint.rules',
      category: 'lint',
      title: 'Rule lint',
    },
    facts.lintFindings,
    'The live rules were not linted.',
    found => {
      const errors = found.filter(f => f.severity === 'error');
      const warnings = found.filter(f => f.severity === 'warning');
      if (errors.length === 0 && warnings.length === 0) {
        return { status: 'pass', message: 'No lint findings.' };
      }
      const shown = [...errors, ...warnings].map(
        f => `${f.ruleId} at ${f.location}: ${f.message}`,
      );
      return {
        status: errors.length ? 'fail' : 'warn',
        message: `${errors.length} error(s), ${
          warnings.length
        } warning(s): ${list(shown, 3)}`,
      };
    },
  );
}
