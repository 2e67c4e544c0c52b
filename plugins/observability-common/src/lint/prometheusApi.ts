/**
 * Maps the JSON of Prometheus' `GET /api/v1/rules` to the shape the linter
 * reads. The API renames things: a rule's `name` is its alert or record name,
 * `query` is the expression and `duration` is `for` in seconds.
 */
import type { LintableRule, LintableRuleGroup } from './types';

interface ApiRule {
  type?: unknown;
  name?: unknown;
  query?: unknown;
  duration?: unknown;
  labels?: unknown;
  annotations?: unknown;
}

/**
 * Accepts the whole response (`{ status, data: { groups } }`), its `data`, or
 * the `groups` array. Entries that are not rules are skipped rather than
 * thrown on: a partial answer still gets linted.
 * @public
 */
export function fromPrometheusApiGroups(json: unknown): LintableRuleGroup[] {
  const groups = findGroups(json);
  return groups.flatMap(group => {
    if (!isObject(group)) return [];
    const rules = Array.isArray(group.rules) ? group.rules : [];
    return [
      {
        name: typeof group.name === 'string' ? group.name : '',
        rules: rules.flatMap(rule =>
          isObject(rule) ? toLintable(rule as ApiRule) : [],
        ),
      },
    ];
  });
}

function findGroups(json: unknown): unknown[] {
  if (Array.isArray(json)) return json;
  if (!isObject(json)) return [];
  if (Array.isArray(json.groups)) return json.groups;
  if (isObject(json.data) && Array.isArray(json.data.groups))
    return json.data.groups;
  return [];
}

function toLintable(rule: ApiRule): LintableRule[] {
  if (typeof rule.name !== 'string' || typeof rule.query !== 'string')
    return [];
  const labels = stringRecord(rule.labels);
  if (rule.type === 'recording') {
    return [{ record: rule.name, expr: rule.query, labels }];
  }
  return [
    {
      alert: rule.name,
      expr: rule.query,
      duration: typeof rule.duration === 'number' ? rule.duration : 0,
      labels,
      annotations: stringRecord(rule.annotations),
    },
  ];
}

function stringRecord(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  const out: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry === 'string') out[key] = entry;
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
