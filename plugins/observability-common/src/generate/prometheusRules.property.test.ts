/**
 * Property tests (10 000 cases in total): whatever a catalog says, rule
 * generation never throws, its YAML reads back to the same structure, every
 * expression parses with Prometheus' own Lezer grammar, and catalog text can
 * only ever reach templates as escaped text. A few hundred random services
 * also go through the real `promtool check rules` in one batch.
 */
import fc from 'fast-check';
import { parse } from 'yaml';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { describeWithBinary } from '../../../../test/support/binaries';
import {
  DEFAULT_GENERATOR_CONFIG,
  resolveGeneratorConfig,
} from '../spec/config';
import {
  decodeStringLiteral,
  findPromqlSyntaxError,
} from '../spec/labelMatchers';
import {
  escapePromLabelValue,
  escapePromTemplateText,
  sanitizeText,
} from './escape';
import { generateArtifacts } from './generateArtifacts';
import { generatePrometheusRules } from './prometheusRules';
import { ruleGroupsForYaml } from './ruleFileYaml';
import { downloadedFile } from './__promtool__/downloadedFile';
import { checkRules } from './__promtool__/runPromtool';
import { expandTemplate } from './__promtool__/ruleTestKit';
import { specArb, text } from './__testUtils__/arbitrarySpec';
import type { AlertingRule, RecordingRule } from './types';

const configArb = fc.constantFrom(
  DEFAULT_GENERATOR_CONFIG,
  resolveGeneratorConfig({
    portalBaseUrl: 'https://portal.example.com/backstage/',
  }),
);

/** The only template actions the generator may emit; catalog text must never add one. */
const OUR_ACTIONS = new Set([
  ' "{{" ',
  ' "{" ',
  ' $value | humanizePercentage ',
  ' $value | humanizeDuration ',
]);

/** Lexes text the way Go's text/template does (actions run from `{{` to the next `}}`). */
function templateActions(template: string): string[] {
  const actions: string[] = [];
  let i = template.indexOf('{{');
  while (i !== -1) {
    const end = template.indexOf('}}', i + 2);
    if (end === -1) return [...actions, template.slice(i + 2)];
    actions.push(template.slice(i + 2, end));
    i = template.indexOf('{{', end + 2);
  }
  return actions;
}

function onlyOurActions(template: string): boolean {
  return templateActions(template).every(a => OUR_ACTIONS.has(a));
}

describe('rule generation on arbitrary entities', () => {
  it('never throws; YAML reads back the same; every expression parses; templates carry only escaped catalog text', () => {
    fc.assert(
      fc.property(specArb, configArb, (spec, config) => {
        const { rules, alerts, findings } = generatePrometheusRules(
          spec,
          config,
        );
        expect(Array.isArray(findings)).toBe(true);

        // The files as downloaded: generateArtifacts first makes the spec portable.
        const artifacts = generateArtifacts(spec, config);
        const yaml = downloadedFile(artifacts, 'prometheus-rules');
        // Go's YAML parser reads U+2028/U+2029 as line breaks and rejects U+FFFE/U+FFFF.
        expect(yaml).not.toMatch(/[\u2028\u2029\uFFFE\uFFFF]/);
        const reparsed = parse(yaml);
        // Readers resolving YAML 1.1 (Go's yaml.v2, kubectl) see the same strings.
        expect(parse(yaml, { version: '1.1' })).toEqual(reparsed);
        expect(reparsed).toEqual({
          groups: ruleGroupsForYaml(artifacts.rules.groups),
        });
        const names = rules.groups.map(g => g.name);
        expect(new Set(names).size).toBe(names.length);

        const all = rules.groups.flatMap(g => g.rules);
        for (const rule of all) {
          expect(findPromqlSyntaxError(rule.expr)).toBeUndefined();
          // Prometheus' lexer also rejects a literal U+FFFD, which Lezer accepts.
          expect(rule.expr).not.toMatch(/\uFFFD/);
        }
        const serviceLabel = spec.metrics.serviceLabel;
        const service = (all.find(r => 'record' in r) as RecordingRule)
          .labels?.[serviceLabel];
        for (const rule of all.filter((r): r is AlertingRule => 'alert' in r)) {
          for (const value of [
            ...Object.values(rule.labels),
            ...Object.values(rule.annotations),
          ]) {
            expect(onlyOurActions(value)).toBe(true);
          }
          expect(['critical', 'warning']).toContain(rule.labels.severity);
          expect(expandTemplate(rule.labels[serviceLabel])).toBe(service);
          expect(expandTemplate(rule.labels.team).length).toBeGreaterThan(0);
          expect(
            new URL(expandTemplate(rule.annotations.runbook_url)).protocol,
          ).toMatch(/^https?:$/);
          expect(
            new URL(expandTemplate(rule.annotations.dashboard_url)).protocol,
          ).toMatch(/^https?:$/);
          expect(
            expandTemplate(rule.annotations.description, 0.5).length,
          ).toBeGreaterThan(0);
        }
        expect(alerts.length).toBe(all.filter(r => 'alert' in r).length);

        const crd = parse(downloadedFile(artifacts, 'prometheus-rule-crd'));
        expect(crd.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
        expect(crd.spec).toEqual(reparsed);
      }),
      { numRuns: 2500 },
    );
  });

  it('label values always stay inside their PromQL string and decode to the (sanitised) text', () => {
    fc.assert(
      fc.property(text, s => {
        const literal = `"${escapePromLabelValue(s)}"`;
        expect(
          findPromqlSyntaxError(`up{service=${literal}} > 1`),
        ).toBeUndefined();
        expect(decodeStringLiteral(literal)).toEqual({
          value: sanitizeText(s),
        });
      }),
      { numRuns: 3750 },
    );
  });

  it('template text expands to exactly the (sanitised) text, even with an action appended', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        const escaped = `${escapePromTemplateText(
          a,
        )}{{ $value | humanizePercentage }}${escapePromTemplateText(b)}`;
        expect(onlyOurActions(escaped)).toBe(true);
        expect(expandTemplate(escaped, 0.25)).toBe(
          `${sanitizeText(a)}25%${sanitizeText(b)}`,
        );
      }),
      { numRuns: 3750 },
    );
  });
});

describeWithBinary('promtool')('random services through promtool', promtool => {
  it('300 random rule files pass `promtool check rules` in one batch', () => {
    const specs = fc.sample(specArb, { numRuns: 300, seed: 20261125 });
    const files = Object.fromEntries(
      specs.map((spec, i) => [
        `random-${i}.yaml`,
        downloadedFile(
          generateArtifacts(spec, DEFAULT_GENERATOR_CONFIG),
          'prometheus-rules',
        ),
      ]),
    );
    const result = checkRules(promtool, files);
    if (!result.ok)
      throw new Error(
        result.output
          .split('\n')
          .filter(l => !/SUCCESS|^Checking|^$/.test(l))
          .slice(0, 40)
          .join('\n'),
      );
    expect(result.output.match(/SUCCESS/g)).toHaveLength(300);
  });
});
