/**
 * The seed's `confidence_score`: how far the generated design can be trusted,
 * judged only from how complete the entity's metadata is. Nothing here looks
 * at live systems; that is the checks' job.
 */
import { failingMetadataChecks } from '../check/metadataChecks';
import type { Finding, ObservabilitySpec } from '../spec/types';
import { isHttpUrl } from '../spec/url';
import type { ConfidenceFactor, ConfidenceScore } from './types';

/** Points taken off per failing metadata check, and the most they can take. */
const ERROR_PENALTY = 0.05;
const MAX_ERROR_PENALTY = 0.25;

interface FactorDefinition {
  id: string;
  label: string;
  weight: number;
  test: (spec: ObservabilitySpec) => { met: boolean; detail: string };
}

/**
 * A factor's verdict with the detail that explains it, met or not. A detail
 * built from the spec is passed as a function, so only the one shown is
 * written.
 */
const verdict = (
  met: boolean,
  whenMet: string | (() => string),
  whenNot: string | (() => string),
) => {
  const detail = met ? whenMet : whenNot;
  return { met, detail: typeof detail === 'string' ? detail : detail() };
};

const FACTORS: FactorDefinition[] = [
  {
    id: 'owner',
    label: 'Owner',
    weight: 0.15,
    test: s =>
      verdict(
        s.owner !== '',
        () => `owned by ${s.owner}`,
        'no spec.owner: alerts carry team="unowned"',
      ),
  },
  {
    id: 'slo',
    label: 'Service-level objective',
    weight: 0.2,
    test: s =>
      verdict(
        s.slos.length > 0,
        () => s.slos.map(o => `${o.slo} ${o.objectivePercent} %`).join(', '),
        'no SLO: only static thresholds, no error-budget alerts',
      ),
  },
  {
    id: 'metrics',
    label: 'Metrics identity',
    weight: 0.1,
    test: s =>
      verdict(
        s.serviceName.source !== 'default' || s.selector.source !== 'default',
        () => `series selected by ${s.selector.value}`,
        () => `selector ${s.selector.value} is derived from the entity name`,
      ),
  },
  {
    id: 'thresholds',
    label: 'RED thresholds',
    weight: 0.05,
    test: s => {
      const set = Object.values(s.thresholds).filter(
        t => t.source !== 'default',
      ).length;
      return verdict(
        set > 0,
        `${set} of 3 set explicitly`,
        'seed defaults (1 % errors, 500 ms P99, 50 % drop)',
      );
    },
  },
  {
    id: 'runbook',
    label: 'Runbook',
    weight: 0.1,
    // Not `verdict`: the detail when met is the URL itself, a string only then.
    test: s =>
      isHttpUrl(s.links.runbookUrl)
        ? { met: true, detail: s.links.runbookUrl }
        : {
            met: false,
            detail: 'no runbook-url: alerts link to the generated runbook page',
          },
  },
  {
    id: 'pager',
    label: 'Pager receiver',
    weight: 0.15,
    test: s =>
      verdict(
        Boolean(s.routing.pagerduty || s.routing.opsgenie),
        'critical alerts page on-call',
        'critical alerts page nobody',
      ),
  },
  {
    id: 'ticket',
    label: 'Ticket receiver',
    weight: 0.05,
    test: s =>
      verdict(
        Boolean(s.routing.slackChannel || s.routing.webhookUrl),
        'warnings go to a channel',
        'no Slack channel or webhook',
      ),
  },
  {
    id: 'logs',
    label: 'Logs pillar',
    weight: 0.1,
    test: s =>
      verdict(
        Boolean(s.links.logQueryUrl || s.links.logSelector),
        'log search and/or log-based fallback alert',
        'no log source declared',
      ),
  },
  {
    id: 'traces',
    label: 'Traces pillar',
    weight: 0.1,
    test: s =>
      verdict(
        Boolean(s.links.traceUrl),
        'trace search linked from runbooks',
        'no trace URL declared',
      ),
  },
];

/**
 * Weights of {@link computeConfidence}; they add up to 1.
 *
 * | id           | weight | met when                                                                 |
 * |--------------|--------|--------------------------------------------------------------------------|
 * | `owner`      | 0.15   | the entity has `spec.owner` (alerts reach a team)                          |
 * | `slo`        | 0.20   | at least one SLO is declared (`redline.dev/slo-*`)                         |
 * | `metrics`    | 0.10   | the service name or metrics selector is set explicitly, not guessed        |
 * | `thresholds` | 0.05   | at least one RED threshold is set explicitly (annotation or config)        |
 * | `runbook`    | 0.10   | `redline.dev/runbook-url` is an http(s) URL                               |
 * | `pager`      | 0.15   | PagerDuty or Opsgenie is declared (critical alerts page someone)           |
 * | `ticket`     | 0.05   | a Slack channel or webhook is declared (warnings land somewhere)           |
 * | `logs`       | 0.10   | a log search URL or a LogQL selector is declared                           |
 * | `traces`     | 0.10   | a trace URL is declared                                                    |
 * @public
 */
export const CONFIDENCE_WEIGHTS: ReadonlyArray<{
  id: string;
  label: string;
  weight: number;
}> = FACTORS.map(({ id, label, weight }) => ({ id, label, weight }));

/**
 * Confidence (0–1) in the generated design:
 *
 * `score = clamp(Σ weight(f) · met(f) − min(0.25, 0.05 · failing), 0, 1)`,
 * rounded to two decimals, where the factors and weights are
 * {@link CONFIDENCE_WEIGHTS} and `failing` counts the metadata checks that
 * fail ({@link failingMetadataChecks}: one per annotation, or pair of SLO
 * annotations, with an error finding; a metadata error means part of the
 * design fell back to defaults). Receiver findings are not counted again:
 * the `pager` and `ticket` factors weigh them. The
 * breakdown is returned so the UI can say what raises the score.
 * @public
 */
export function computeConfidence(
  spec: ObservabilitySpec,
  findings: Finding[],
): ConfidenceScore {
  const factors: ConfidenceFactor[] = FACTORS.map(
    ({ id, label, weight, test }) => {
      const { met, detail } = test(spec);
      return { id, label, weight, met, detail };
    },
  );
  const earned = factors.reduce((sum, f) => sum + (f.met ? f.weight : 0), 0);
  // Counted as the checks table shows them, one per failing metadata check:
  // a receiver gap is already weighed by the pager and ticket factors.
  const failing = failingMetadataChecks(findings);
  const penalty = Math.min(MAX_ERROR_PENALTY, ERROR_PENALTY * failing.length);
  if (failing.length > 0) {
    factors.push({
      id: 'errors',
      label: 'Failing metadata checks',
      weight: -penalty,
      met: false,
      detail: `${failing.length} failing metadata check${
        failing.length === 1 ? '' : 's'
      } (${failing
        .map(c => c.title)
        .join(', ')}), −${ERROR_PENALTY} each (at most −${MAX_ERROR_PENALTY})`,
    });
  }
  const score =
    Math.round(Math.min(1, Math.max(0, earned - penalty)) * 100) / 100;
  return { score, factors };
}
