/**
 * Which loaded rules belong to a service: decided in one place, on the PromQL
 * syntax tree, for the tab, the coverage run and the CLI alike.
 */
import { findAll, parsePromql, textOf } from '../lint/promqlTree';
import { LabelMatcher, parseLabelMatchers } from '../spec/labelMatchers';
import type { ObservabilitySpec } from '../spec/types';
import type {
  PrometheusApiRule,
  PrometheusApiRuleGroup,
} from '../facts/apiTypes';
import {
  NAMESPACE_LABEL,
  recordedSeriesLabels,
} from '../generate/serviceScope';

/** The parts of a loaded rule that say whom it is about. @public */
export interface RuleIdentity {
  labels?: Record<string, string>;
  query?: string;
}

const VECTOR_SELECTOR = new Set(['VectorSelector']);
const matcherKey = (m: LabelMatcher) =>
  `${m.name}\u0000${m.op}\u0000${m.value}`;

/** The label matchers of every vector selector in a query, as keys. */
function selectorMatchers(query: string): Array<Set<string>> {
  if (!query) return [];
  const parsed = parsePromql(query);
  return findAll(parsed, VECTOR_SELECTOR).map(selector => {
    const list = selector.getChild('LabelMatchers');
    if (!list) return new Set<string>();
    const inner = textOf(parsed, list).replace(/^\{|\}$/g, '');
    const result = inner.trim() ? parseLabelMatchers(inner) : undefined;
    return new Set(result?.ok ? result.matchers.map(matcherKey) : []);
  });
}

/**
 * Rules indexed so that matching N entities against one `/api/v1/rules`
 * answer costs one parse per rule, not one per entity and rule.
 * @public
 */
export class RuleIndex<R extends RuleIdentity> {
  readonly #serviceLabel: string;
  readonly #byLabel = new Map<string, R[]>();
  /** Rules without a static service label, by each matcher key they select on. */
  readonly #byMatcher = new Map<
    string,
    Array<{ rule: R; sets: Set<string>[] }>
  >();

  constructor(rules: Iterable<R>, serviceLabel: string) {
    this.#serviceLabel = serviceLabel;
    for (const rule of rules) {
      const labelled = rule.labels?.[serviceLabel];
      if (labelled !== undefined) {
        this.#push(this.#byLabel, labelled, rule);
        continue;
      }
      const sets = selectorMatchers(rule.query ?? '');
      const keys = new Set(sets.flatMap(set => [...set]));
      for (const key of keys) {
        let list = this.#byMatcher.get(key);
        if (!list) this.#byMatcher.set(key, (list = []));
        list.push({ rule, sets });
      }
    }
  }

  #push(map: Map<string, R[]>, key: string, rule: R) {
    const list = map.get(key);
    if (list) list.push(rule);
    else map.set(key, [rule]);
  }

  /** The rules that belong to the spec's service, each once. */
  forService(spec: ObservabilitySpec): R[] {
    const service = spec.serviceName.value;
    // A rule Redline generated for the same-named service of another catalog
    // namespace says so in its namespace label; hand-written rules without
    // one cannot tell and still count.
    const namespace = recordedSeriesLabels(spec)[NAMESPACE_LABEL] ?? '';
    const found = new Set<R>(
      (this.#byLabel.get(service) ?? []).filter(
        rule => (rule.labels?.[NAMESPACE_LABEL] ?? namespace) === namespace,
      ),
    );
    const byName = matcherKey({
      name: this.#serviceLabel,
      op: '=',
      value: service,
    });
    for (const { rule } of this.#byMatcher.get(byName) ?? []) found.add(rule);

    const own = parseLabelMatchers(spec.selector.value);
    if (own.ok && own.matchers.length > 0) {
      const wanted = own.matchers.map(matcherKey);
      for (const { rule, sets } of this.#byMatcher.get(wanted[0]) ?? []) {
        if (sets.some(set => wanted.every(key => set.has(key))))
          found.add(rule);
      }
    }
    return [...found];
  }
}

/**
 * A rule belongs to the service when it carries the service label with the
 * service's value (generated alerts do), or when one of its selectors
 * selects the service: `serviceLabel="<service>"` (recorded series) or every
 * matcher of the entity's own selector (rules over the raw metrics).
 * @public
 */
export function belongsToService(
  rule: RuleIdentity,
  spec: ObservabilitySpec,
): boolean {
  return new RuleIndex([rule], spec.metrics.serviceLabel)
    .forService(spec)
    .includes(rule);
}

/**
 * Rules snapshots are shared until they expire (clients hand out the same
 * array), so one index per snapshot and service label serves every view,
 * coverage row and SLO status of the TTL instead of re-parsing every rule.
 */
const indexes = new WeakMap<
  PrometheusApiRuleGroup[],
  Map<string, RuleIndex<PrometheusApiRule>>
>();

/** The (shared) index of a rules snapshot's rules by service. @public */
export function ruleIndexOf(
  groups: PrometheusApiRuleGroup[],
  serviceLabel: string,
): RuleIndex<PrometheusApiRule> {
  let byLabel = indexes.get(groups);
  if (!byLabel) indexes.set(groups, (byLabel = new Map()));
  let index = byLabel.get(serviceLabel);
  if (!index) {
    index = new RuleIndex(
      groups.flatMap(g => g.rules ?? []),
      serviceLabel,
    );
    byLabel.set(serviceLabel, index);
  }
  return index;
}
