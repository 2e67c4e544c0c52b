/**
 * Reads a Prometheus rule file (or a Kubernetes PrometheusRule) into rules
 * with positions. Anything Prometheus would refuse becomes a finding here;
 * nothing throws, whatever the text.
 */
import {
  Document,
  LineCounter,
  Node as YamlNode,
  Pair,
  YAMLMap,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseAllDocuments,
} from 'yaml';
import { isValidLabelName, isValidMetricName } from '../spec/names';
import { makeFinding } from './catalogue';
import { parsePrometheusDuration } from './duration';
import type { RulePositions, RuleUnderLint } from './lintRules';
import type { LintFinding, LintLocation } from './types';
import { Position, positionAt, scalarOffsetMapper } from './yamlPositions';

/** Rules read from one file and the problems met while reading it. */
export interface ReadRuleFile {
  rules: RuleUnderLint[];
  findings: LintFinding[];
}

const GROUP_KEYS = new Set([
  'name',
  'interval',
  'query_offset',
  'limit',
  'labels',
  'rules',
]);
const RULE_KEYS = new Set([
  'record',
  'alert',
  'expr',
  'for',
  'keep_firing_for',
  'labels',
  'annotations',
]);

class RuleFileReader {
  readonly rules: RuleUnderLint[] = [];
  readonly findings: LintFinding[] = [];
  readonly #lineCounter = new LineCounter();

  constructor(readonly text: string, readonly file: string | undefined) {}

  read(): void {
    let documents: ReturnType<typeof parseAllDocuments>;
    try {
      documents = parseAllDocuments(this.text, {
        lineCounter: this.#lineCounter,
        uniqueKeys: true,
      });
    } catch (error) {
      // The yaml package reports problems as document errors; this is a last resort.
      this.#syntax(0, `cannot read the file as YAML: ${String(error)}`);
      return;
    }
    if (!Array.isArray(documents)) return;
    // Manifests often bundle a PrometheusRule with other objects: other
    // documents are skipped, unless no document in the file holds rules.
    const ruleDocuments = documents.filter(isRuleDocument);
    if (ruleDocuments.length === 0 || documents.length === 1) {
      for (const document of documents) this.#readDocument(document);
      return;
    }
    for (const document of documents) {
      if (document.errors.length > 0 || isRuleDocument(document))
        this.#readDocument(document);
    }
  }

  #readDocument(document: Document): void {
    if (document.errors.length > 0) {
      for (const error of document.errors) {
        const firstLine = error.message.split('\n')[0];
        this.#syntax(
          error.pos[0],
          firstLine.replace(/ at line \d+, column \d+:?$/, ''),
        );
      }
      return;
    }
    resolveAliasesAndMerges(document);
    const root = document.contents;
    if (root === null || (isScalar(root) && root.value === null)) return;
    if (!isMap(root)) {
      this.#invalid(
        root,
        'a rule file must be a mapping with a "groups:" list',
      );
      return;
    }
    const groups = this.#groupsNode(root);
    if (groups === undefined) return;
    if (groups === null || (isScalar(groups) && groups.value === null)) return;
    if (!isSeq(groups)) {
      this.#invalid(groups, '"groups" must be a list of rule groups');
      return;
    }
    const seen = new Map<string, Position>();
    groups.items.forEach((group, index) =>
      this.#readGroup(group as YamlNode, index, seen),
    );
  }

  /** The `groups` node: top level in Prometheus files, under `spec` in a PrometheusRule. */
  #groupsNode(root: YAMLMap): YamlNode | null | undefined {
    if (root.has('groups')) {
      for (const pair of root.items) {
        if (keyOf(pair) !== 'groups')
          this.#invalid(
            pair.key,
            `unknown field "${keyOf(
              pair,
            )}" at the top level; Prometheus only accepts "groups"`,
          );
      }
      return root.get('groups', true) as YamlNode | null;
    }
    const kind = root.get('kind');
    const spec = root.get('spec', true);
    if (kind === 'PrometheusRule' && isMap(spec)) {
      return (spec.get('groups', true) as YamlNode | null) ?? null;
    }
    this.#invalid(
      root,
      'not a Prometheus rule file: expected "groups:" at the top level (or a PrometheusRule with spec.groups)',
    );
    return undefined;
  }

  #readGroup(node: YamlNode, index: number, seen: Map<string, Position>): void {
    if (!isMap(node)) {
      this.#invalid(
        node,
        `groups[${index}] must be a mapping with "name" and "rules"`,
      );
      return;
    }
    this.#unknownKeys(node, GROUP_KEYS, 'rule group');
    const name = node.get('name');
    const where = this.#position(node);
    if (typeof name !== 'string' || name.trim() === '') {
      this.#invalid(node, `groups[${index}] has no "name"`);
      return;
    }
    const earlier = seen.get(name);
    if (earlier) {
      this.#invalid(
        node.get('name', true) as YamlNode,
        `group name "${name}" is repeated in this file (first at line ${earlier.line}); Prometheus refuses the file`,
      );
    } else {
      seen.set(name, where);
    }
    const rules = node.get('rules', true) as YamlNode | null | undefined;
    if (
      rules === undefined ||
      rules === null ||
      (isScalar(rules) && rules.value === null)
    )
      return;
    if (!isSeq(rules)) {
      this.#invalid(rules, `"rules" of group "${name}" must be a list`);
      return;
    }
    rules.items.forEach((rule, ruleIndex) =>
      this.#readRule(rule as YamlNode, name, ruleIndex),
    );
  }

  #readRule(node: YamlNode, group: string, index: number): void {
    const fallbackName = `rules[${index}]`;
    if (!isMap(node)) {
      this.#invalid(
        node,
        `${fallbackName} of group "${group}" must be a mapping`,
        { group },
      );
      return;
    }
    const alert = scalarText(node.get('alert', true));
    const record = scalarText(node.get('record', true));
    const name = alert ?? record ?? fallbackName;
    const context = { group, rule: name };
    const invalid = (target: unknown, message: string) =>
      this.#invalid(target, message, context);

    this.#unknownKeys(node, RULE_KEYS, `rule "${name}"`, context);
    if (alert !== undefined && record !== undefined) {
      invalid(
        node,
        `rule "${name}" has both "alert" and "record"; a rule is one or the other`,
      );
      return;
    }
    if (alert === undefined && record === undefined) {
      invalid(
        node,
        `${fallbackName} of group "${group}" has neither "alert" nor "record"`,
      );
      return;
    }
    if (record !== undefined && !isValidMetricName(record)) {
      invalid(
        node.get('record', true),
        `recording rule name "${record}" is not a valid metric name`,
      );
    }
    if (record !== undefined) {
      for (const field of ['for', 'keep_firing_for', 'annotations']) {
        if (node.has(field))
          invalid(
            node.get(field, true) ?? node,
            `recording rule "${name}" cannot have "${field}"`,
          );
      }
    }
    const exprNode = node.get('expr', true);
    const expr = scalarText(exprNode);
    if (expr === undefined || !isScalar(exprNode)) {
      invalid(exprNode ?? node, `rule "${name}" has no "expr"`);
      return;
    }
    const labels = this.#stringMap(node, 'labels', name, context);
    const annotations = this.#stringMap(node, 'annotations', name, context);
    let forSeconds: number | undefined;
    if (node.has('for')) {
      const raw = scalarText(node.get('for', true));
      forSeconds = raw === undefined ? undefined : parsePrometheusDuration(raw);
      if (forSeconds === undefined) {
        invalid(
          node.get('for', true) ?? node,
          `"for" of rule "${name}" is not a duration like 5m`,
        );
        forSeconds = 1; // reported above; do not also report it as missing
      }
    }
    const mapExpr = scalarOffsetMapper(this.text, exprNode);
    const positions: RulePositions = {
      rule: this.#position(node),
      expr: offset => positionAt(this.#lineCounter, mapExpr(offset)),
      labels: labels.positions,
      annotations: annotations.positions,
    };
    this.rules.push({
      group,
      kind: alert !== undefined ? 'alert' : 'record',
      name,
      expr,
      forSeconds,
      labels: labels.values,
      annotations: annotations.values,
      file: this.file,
      positions,
    });
  }

  /** Reads `labels:` or `annotations:` as strings, reporting names Prometheus refuses. */
  #stringMap(
    rule: YAMLMap,
    field: 'labels' | 'annotations',
    ruleName: string,
    context: LintLocation,
  ): { values: Record<string, string>; positions: Record<string, Position> } {
    const values: Record<string, string> = {};
    const positions: Record<string, Position> = {};
    const node = rule.get(field, true);
    if (
      node === undefined ||
      node === null ||
      (isScalar(node) && node.value === null)
    ) {
      return { values, positions };
    }
    if (!isMap(node)) {
      this.#invalid(
        node,
        `"${field}" of rule "${ruleName}" must be a mapping`,
        context,
      );
      return { values, positions };
    }
    for (const pair of node.items) {
      const key = keyOf(pair);
      if (!isValidLabelName(key) || key === '__name__') {
        this.#invalid(
          pair.key,
          `"${key}" is not a valid ${
            field === 'labels' ? 'label' : 'annotation'
          } name in rule "${ruleName}"`,
          context,
        );
        continue;
      }
      const value = scalarText(pair.value);
      if (value === undefined) {
        this.#invalid(
          pair.value ?? pair.key,
          `${field}.${key} of rule "${ruleName}" must be a string`,
          context,
        );
        continue;
      }
      values[key] = value;
      positions[key] = this.#position(pair.value ?? pair.key);
    }
    return { values, positions };
  }

  #unknownKeys(
    node: YAMLMap,
    allowed: ReadonlySet<string>,
    what: string,
    context?: LintLocation,
  ): void {
    for (const pair of node.items) {
      const key = keyOf(pair);
      if (!allowed.has(key)) {
        this.#invalid(
          pair.key,
          `unknown field "${key}" in ${what}; Prometheus refuses unknown fields (allowed: ${[
            ...allowed,
          ].join(', ')})`,
          context,
        );
      }
    }
  }

  #position(node: unknown): Position {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return positionAt(this.#lineCounter, range ? range[0] : 0);
  }

  #location(node: unknown, context?: LintLocation): LintLocation {
    const location: LintLocation = { ...context, ...this.#position(node) };
    if (this.file !== undefined) location.file = this.file;
    return location;
  }

  #syntax(offset: number, message: string): void {
    const location: LintLocation = positionAt(this.#lineCounter, offset);
    if (this.file !== undefined) location.file = this.file;
    this.findings.push(
      makeFinding(
        'rules/yaml-syntax',
        `YAML syntax error: ${message}`,
        'fix the YAML (indentation, quotes, colons) so the file parses',
        location,
      ),
    );
  }

  #invalid(node: unknown, message: string, context?: LintLocation): void {
    this.findings.push(
      makeFinding(
        'rules/invalid-structure',
        message,
        'follow the Prometheus rule file format: groups: [{ name, rules: [{ alert|record, expr, for, labels, annotations }] }]',
        this.#location(node, context),
      ),
    );
  }
}

export function readRuleFile(text: string, file?: string): ReadRuleFile {
  const reader = new RuleFileReader(text, file);
  reader.read();
  return { rules: reader.rules, findings: reader.findings };
}

/**
 * Prometheus (Go's yaml) follows anchors, aliases and `<<` merge keys, so the
 * linter must read through them too: aliases are replaced by the node they
 * point to, and merged pairs are added to the map unless it sets the key
 * itself. A self-referencing alias is left in place and reported later as a
 * structure error.
 */
function resolveAliasesAndMerges(document: Document): void {
  // Anchors are collected while walking in document order, which is also
  // YAML's rule (an alias names the closest anchor before it). yaml's own
  // Alias.resolve() searches the whole document per alias: quadratic on
  // generated files that alias every `labels:` block.
  const anchors = new Map<string, unknown>();
  const deref = (node: unknown): unknown =>
    isAlias(node) ? anchors.get(node.source) ?? node : node;
  const ancestors: unknown[] = [];
  const walk = (node: unknown): unknown => {
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      return target && !ancestors.includes(target) ? target : node;
    }
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (anchor) anchors.set(anchor, node);
    if (!isMap(node) && !isSeq(node)) return node;
    ancestors.push(node);
    if (isMap(node)) {
      expandMerges(node, deref);
      for (const pair of node.items) pair.value = walk(pair.value) as never;
    } else {
      node.items = node.items.map(walk);
    }
    ancestors.pop();
    return node;
  };
  document.contents = walk(document.contents) as never;
}

/** Adds the pairs of `<<: *base` (or a list of bases) that the map does not set itself. */
function expandMerges(map: YAMLMap, deref: (node: unknown) => unknown): void {
  if (!map.items.some(pair => keyOf(pair) === '<<')) return;
  const own = map.items.filter(pair => keyOf(pair) !== '<<');
  const present = new Set(own.map(keyOf));
  const merged: Pair[] = [];
  for (const pair of map.items.filter(item => keyOf(item) === '<<')) {
    const value = deref(pair.value);
    const sources = isSeq(value) ? value.items.map(deref) : [value];
    for (const source of sources) {
      if (!isMap(source)) continue;
      for (const inherited of source.items) {
        const key = keyOf(inherited);
        if (present.has(key)) continue;
        present.add(key);
        merged.push(new Pair(inherited.key, inherited.value));
      }
    }
  }
  map.items = [...own, ...merged];
}

function isRuleDocument(document: Document): boolean {
  const root = document.contents;
  if (!isMap(root)) return false;
  return root.has('groups') || root.get('kind') === 'PrometheusRule';
}

function keyOf(pair: Pair): string {
  const key = pair.key;
  return isScalar(key) ? String(key.value) : String(key);
}

/** A scalar's value as text (numbers and booleans too); undefined for maps, lists and null. */
function scalarText(node: unknown): string | undefined {
  if (!isScalar(node) || node.value === null || node.value === undefined)
    return undefined;
  const value = node.value;
  return typeof value === 'object' ? undefined : String(value);
}
