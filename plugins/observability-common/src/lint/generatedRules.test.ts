/**
 * Redline's own generated rules must pass its own linter: if they do not,
 * either the finding or the generator is wrong. The files linted are the ones
 * users download. Checked on the demo catalog (every component, through
 * parseSpec) and on hand-built specs covering both SLO kinds.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Entity } from '@backstage/catalog-model';
import { parseAllDocuments } from 'yaml';
import { generateArtifacts } from '../generate/generateArtifacts';
import { downloadedFile } from '../generate/__promtool__/downloadedFile';
import { makeSpec } from '../generate/__testUtils__/makeSpec';
import { DEFAULT_GENERATOR_CONFIG } from '../spec/config';
import { parseSpec } from '../spec/parseSpec';
import type { ObservabilitySpec } from '../spec/types';
import { lintRuleFileText, lintRuleGroups } from './lint';
import type { LintFinding } from './types';

const CATALOG = join(__dirname, '../../../../catalog/components');

function catalogComponents(): Entity[] {
  return readdirSync(CATALOG)
    .filter(file => file.endsWith('.yaml'))
    .flatMap(file =>
      parseAllDocuments(readFileSync(join(CATALOG, file), 'utf8')),
    )
    .flatMap(doc => ('toJS' in doc ? [doc.toJS() as Entity] : []))
    .filter(entity => entity?.kind === 'Component');
}

const handBuilt: Array<[string, ObservabilitySpec]> = [
  ['availability SLO', makeSpec()],
  ['no SLO', makeSpec({ slos: [] })],
  [
    'latency and availability SLOs',
    makeSpec({
      slos: [
        {
          slo: 'latency',
          objectivePercent: 99,
          thresholdSeconds: 0.5,
          windowDays: 30,
          window: { type: 'rolling', days: 30 },
          annotation: 'redline.dev/slo-latency',
        },
        {
          slo: 'availability',
          objectivePercent: 99.9,
          windowDays: 30,
          window: { type: 'rolling', days: 30 },
          annotation: 'redline.dev/slo-availability',
        },
      ],
    }),
  ],
];

const specs: Array<[string, ObservabilitySpec]> = [
  ...handBuilt,
  ...catalogComponents().map(
    entity =>
      [
        `catalog ${entity.metadata.name}`,
        parseSpec(entity, DEFAULT_GENERATOR_CONFIG).spec,
      ] as [string, ObservabilitySpec],
  ),
];

const seriousOnly = (findings: LintFinding[]) =>
  findings
    .filter(f => f.severity !== 'info')
    .map(f => `${f.location.line ?? ''} ${f.ruleId}: ${f.message}`);

describe("Redline's generated rules pass the linter", () => {
  it('covers the demo catalog', () => {
    expect(specs.length).toBeGreaterThan(handBuilt.length + 10);
  });

  it.each(specs)(
    '%s: rule file, PrometheusRule and rule groups have no error or warning',
    (_, spec) => {
      const generated = generateArtifacts(spec, DEFAULT_GENERATOR_CONFIG);
      const ruleCount = generated.rules.groups.reduce(
        (n, group) => n + group.rules.length,
        0,
      );
      expect(ruleCount).toBeGreaterThan(0);

      expect(
        seriousOnly(
          lintRuleFileText(
            downloadedFile(generated, 'prometheus-rules'),
            'prometheus-rules.yaml',
          ),
        ),
      ).toEqual([]);
      expect(
        seriousOnly(
          lintRuleFileText(
            downloadedFile(generated, 'prometheus-rule-crd'),
            'prometheus-rule.crd.yaml',
          ),
        ),
      ).toEqual([]);
      expect(seriousOnly(lintRuleGroups(generated.rules.groups))).toEqual([]);
    },
  );
});
