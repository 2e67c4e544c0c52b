/**
 * Collisions only a whole catalog shows: entities whose recorded series carry
 * the same labels (Prometheus keeps one entity's samples and rejects the
 * other's as duplicates), whose alerts and dashboards also query another
 * entity's recorded series, or whose selectors pick the same raw series (both
 * measure the same traffic and page for it twice). Describing one entity
 * cannot see any of these, so callers run this over all descriptions.
 */
import { labelsMatch } from '../facts/selectorMatch';
import type { CatalogFinding } from '../generate/catalogAlertmanager';
import { redRecordNames } from '../generate/redRecordingRules';
import { recordedSeriesLabels } from '../generate/serviceScope';
import { ANNOTATIONS } from '../spec/annotations';
import { LabelMatcher, parseLabelMatchers } from '../spec/labelMatchers';
import type { ObservabilitySpec } from '../spec/types';

/** What one entity's generated rules record and select. */
interface Footprint {
  entityRef: string;
  /** The recorded series' names, as one key. */
  recordNames: string;
  /** The recorded series' labels, as one key. */
  recordedKey: string;
  recorded: Record<string, string>;
  recordedMatchers: LabelMatcher[];
  /** Raw metric the selector applies to; other metrics never share series. */
  metric: string;
  selector: string;
  matchers: LabelMatcher[];
  matcherKeys: Set<string>;
  /** The labels a series needs to satisfy the selector's equality matchers. */
  equalities: Record<string, string>;
}

const matcherKey = (m: LabelMatcher) =>
  `${m.name}\u0000${m.op}\u0000${m.value}`;

function footprintOf(spec: ObservabilitySpec): Footprint {
  const recorded = recordedSeriesLabels(spec);
  const parsed = parseLabelMatchers(spec.selector.value);
  const matchers = parsed.ok ? parsed.matchers : [];
  const equalities: Record<string, string> = {};
  for (const m of matchers) if (m.op === '=') equalities[m.name] = m.value;
  return {
    entityRef: spec.entityRef,
    recordNames: Object.values(redRecordNames(spec.metrics)).sort().join(),
    recordedKey: JSON.stringify(Object.entries(recorded).sort()),
    recorded,
    recordedMatchers: Object.entries(recorded).map(([name, value]) => ({
      name,
      op: '=',
      value,
    })),
    metric: spec.metrics.requestsTotal,
    selector: spec.selector.value,
    matchers,
    matcherKeys: new Set(matchers.map(matcherKey)),
    equalities,
  };
}

/**
 * Whether `a` selects some series `b` selects, decided from the matchers
 * alone: every matcher of `a` is one of `b`'s (so `a` selects all of `b`'s
 * series), or a series carrying just `b`'s equality labels satisfies both.
 * Overlaps only regexes could prove go unreported rather than guessed.
 */
function selectsSomeOf(a: Footprint, b: Footprint): boolean {
  if (a.metric !== b.metric || a.matchers.length === 0) return false;
  if ([...a.matcherKeys].every(key => b.matcherKeys.has(key))) return true;
  return (
    labelsMatch(b.equalities, b.matchers) &&
    labelsMatch(b.equalities, a.matchers)
  );
}

function pairFinding(
  a: Footprint,
  b: Footprint,
  finding: Omit<CatalogFinding, 'entityRefs'>,
): CatalogFinding {
  return { ...finding, entityRefs: [a.entityRef, b.entityRef].sort() };
}

function recordedFinding(
  a: Footprint,
  b: Footprint,
): CatalogFinding | undefined {
  if (a.recordNames !== b.recordNames) return undefined;
  const labels = JSON.stringify(b.recorded);
  if (a.recordedKey === b.recordedKey) {
    return pairFinding(a, b, {
      id: 'catalog.recorded-series-collision',
      severity: 'error',
      message: `${a.entityRef} and ${b.entityRef} record the same series (${labels}): Prometheus rejects one entity's samples as duplicates. Give one of them another service name.`,
      annotation: ANNOTATIONS.serviceName,
    });
  }
  if (!labelsMatch(b.recorded, a.recordedMatchers)) return undefined;
  return pairFinding(a, b, {
    id: 'catalog.recorded-series-overlap',
    severity: 'warning',
    message: `The alerts and dashboard of ${a.entityRef} also select the recorded series of ${b.entityRef} (${labels}): one entity's problems fire under the other's name. Give one of them another service name.`,
    annotation: ANNOTATIONS.serviceName,
  });
}

function selectorFinding(
  a: Footprint,
  b: Footprint,
): CatalogFinding | undefined {
  if (!selectsSomeOf(a, b) && !selectsSomeOf(b, a)) return undefined;
  const same = a.selector === b.selector;
  return pairFinding(a, b, {
    id: 'catalog.selector-overlap',
    severity: 'warning',
    message: same
      ? `${a.entityRef} and ${b.entityRef} have the same metrics selector {${a.selector}}: both measure the same ${a.metric} series and alert on them twice.`
      : `The metrics selectors of ${a.entityRef} {${a.selector}} and ${b.entityRef} {${b.selector}} select some of the same ${a.metric} series: both measure that traffic and alert on it twice.`,
    annotation: ANNOTATIONS.metricsSelector,
    value: same ? a.selector : `${a.selector} / ${b.selector}`,
  });
}

/**
 * Every pair of entities that would collide in Prometheus, each finding
 * naming both. Pairs are only compared when they share a recorded service
 * label or a selector equality matcher, so a large catalog is not compared
 * pair by pair.
 * @public
 */
export function findSelectorCollisions(
  specs: ReadonlyArray<{ spec: ObservabilitySpec }>,
): CatalogFinding[] {
  const footprints = specs.map(s => footprintOf(s.spec));
  const byKey = new Map<string, number[]>();
  const index = (key: string, i: number) => {
    // Entities are indexed in order, so a repeat is always the last one.
    const list = byKey.get(key);
    if (!list) byKey.set(key, [i]);
    else if (list[list.length - 1] !== i) list.push(i);
  };
  footprints.forEach((f, i) => {
    for (const [name, value] of Object.entries(f.recorded))
      index(`${name}=${value}`, i);
    for (const [name, value] of Object.entries(f.equalities))
      index(`${name}=${value}`, i);
  });

  const findings: CatalogFinding[] = [];
  const compared = new Set<string>();
  for (const candidates of byKey.values()) {
    for (let x = 0; x < candidates.length; x++) {
      for (let y = x + 1; y < candidates.length; y++) {
        const pair = `${candidates[x]},${candidates[y]}`;
        if (compared.has(pair)) continue;
        compared.add(pair);
        const a = footprints[candidates[x]];
        const b = footprints[candidates[y]];
        const recorded = recordedFinding(a, b) ?? recordedFinding(b, a);
        if (recorded) findings.push(recorded);
        const selected = selectorFinding(a, b);
        if (selected) findings.push(selected);
      }
    }
  }
  return findings;
}
