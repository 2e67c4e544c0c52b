/**
 * Property tests: whatever a catalog says, generation never throws, every
 * JSON and YAML artifact re-parses, the output object matches its schema and
 * catalog text cannot add Markdown structure to a runbook. 10 000 cases in
 * total (6 000 hand-built specs far outside what parseSpec produces, except
 * for the names and selectors it guarantees, 4 000 entities through
 * parseSpec), and a sample of the rule files and
 * Alertmanager configs goes through promtool and amtool.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { describeWithBinary } from '../../../../test/support/binaries';
import { DEFAULT_METRIC_NAMES, resolveGeneratorConfig } from '../spec/config';
import { ANNOTATIONS, FOREIGN_ANNOTATIONS } from '../spec/annotations';
import { parseSpec } from '../spec/parseSpec';
import type { ObservabilitySpec, Sourced } from '../spec/types';
import { generateArtifacts } from './generateArtifacts';
import { observabilityOutputSchema } from './outputSchema';
import type { GeneratedArtifacts } from './types';
import { asParsed } from './__testUtils__/asParsed';

const config = resolveGeneratorConfig({
  portalBaseUrl: 'https://portal.example.com',
});

/** Characters with a meaning in one of the target languages, plus arbitrary code points. */
const nasty = fc.constantFrom(
  '{',
  '}',
  '{{',
  '}}',
  '"',
  "'",
  '\\',
  '\n',
  '\r',
  '\t',
  '`',
  '$',
  '#',
  '|',
  '<',
  '>',
  '[',
  ']',
  '(',
  ')',
  '*',
  '_',
  '%',
  '&',
  ':',
  '- ',
  '---',
  '\u0000',
  '\u0085',
  '\u2028',
  '\ud800',
  '\udc00',
  '😀',
  ' ',
  '{{ $value }}',
  '${datasource}',
  '</script>',
  'a"} or vector(1) or up{b="',
  '=~',
  '!~',
  ',',
  'le',
);
const text = fc.string({
  unit: fc.oneof(
    nasty,
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    fc.constantFrom('a', 'z', '0', '9', '.', '-'),
  ),
  maxLength: 30,
});
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const urlish = fc.oneof(
  text,
  fc.webUrl(),
  fc.webUrl().map(u => `${u}/{service}?q={correlation_id}&t={trace_id}`),
);
const number = fc.oneof(
  fc.double(),
  fc.integer({ min: -10, max: 100_000 }),
  fc.constantFrom(0, 0.001, 0.3, 0.5, 1, 50, 99, 99.9, 99.99, 100),
);
const sourced = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<Sourced<T>> =>
  fc.record({
    value: arb,
    source: fc.constantFrom('default', 'annotation', 'config'),
    annotation: maybe(text),
  });

const specArbitrary: fc.Arbitrary<ObservabilitySpec> = fc.record({
  entityRef: text,
  kind: fc.oneof(fc.constant('Component'), text),
  namespace: text,
  name: text,
  title: maybe(text),
  owner: text,
  team: text,
  system: maybe(text),
  lifecycle: maybe(text),
  tier: maybe(text),
  serviceName: sourced(fc.oneof(text, fc.constant('checkout'))),
  selector: sourced(
    fc.oneof(
      text,
      fc.constant('service="checkout"'),
      fc.constant('app=~"a|b",env!="dev"'),
    ),
  ),
  thresholds: fc.record({
    rateDropPercent: sourced(number),
    errorRatePercent: sourced(number),
    latencyP99Ms: sourced(number),
  }),
  slos: fc.array(
    fc.record({
      slo: fc.constantFrom('availability' as const, 'latency' as const),
      objectivePercent: number,
      thresholdSeconds: maybe(number),
      windowDays: fc.constantFrom(30, 7, 28),
      window: fc.constant({ type: 'rolling' as const, days: 30 as const }),
      annotation: text,
    }),
    { maxLength: 3 },
  ),
  links: fc.record(
    {
      runbookUrl: urlish,
      dashboardUrl: urlish,
      logQueryUrl: urlish,
      traceUrl: urlish,
      logSelector: fc.oneof(
        text,
        fc.constant('{app="x"}'),
        text.map(t => `{app="${t}"}`),
      ),
    },
    { requiredKeys: [] },
  ),
  routing: fc.record(
    {
      pagerduty: fc.record({
        serviceId: maybe(text),
        hasIntegrationKey: fc.boolean(),
      }),
      opsgenie: fc.record({ team: text }),
      slackChannel: fc.oneof(text, fc.constant('payments-alerts')),
      webhookUrl: urlish,
    },
    { requiredKeys: [] },
  ),
  metrics: fc.oneof(
    fc.constant(DEFAULT_METRIC_NAMES),
    fc.record({
      requestsTotal: fc.oneof(text, fc.constant('http_requests_total')),
      statusLabel: fc.oneof(text, fc.constant('code')),
      durationHistogram: fc.oneof(text, fc.constant('rpc_duration_seconds')),
      serviceLabel: fc.oneof(text, fc.constant('job')),
      histogramBuckets: fc.array(number, { maxLength: 6 }),
    }),
  ),
  describedAnnotations: fc.array(text, { maxLength: 3 }),
  presentAnnotations: fc.array(text, { maxLength: 3 }),
  servesRequests: fc.constant(true),
  prometheusInstance: maybe(text),
  alertmanagerInstance: maybe(text),
});

const annotationKeys = [
  ...Object.values(ANNOTATIONS),
  ...Object.values(FOREIGN_ANNOTATIONS),
];
const entityArbitrary = fc.record({
  apiVersion: fc.constant('backstage.io/v1alpha1'),
  kind: fc.constant('Component'),
  metadata: fc.record({
    name: fc.oneof(fc.constant('checkout'), text),
    namespace: maybe(text),
    title: maybe(text),
    annotations: fc.dictionary(
      fc.oneof(fc.constantFrom(...annotationKeys), text),
      fc.oneof(text, urlish, number.map(String)),
      {
        maxKeys: 10,
      },
    ),
  }),
  spec: fc.record(
    {
      type: fc.constant('service'),
      owner: maybe(text),
      system: maybe(text),
      lifecycle: maybe(text),
    },
    { requiredKeys: [] },
  ),
});

/** Rule files and Alertmanager configs kept for the real tools. */
const SAMPLE_EVERY = 40;
const samples: Array<{ rules: string; alertmanager: string }> = [];
let seen = 0;

function checkArtifacts(artifacts: GeneratedArtifacts): void {
  for (const file of artifacts.files) {
    if (file.mediaType === 'application/json') JSON.parse(file.content);
    if (file.mediaType === 'application/yaml') parse(file.content);
    if (file.mediaType === 'text/markdown') {
      // Only Redline's own headings: catalog text never starts a line with `#`.
      const headings = file.content
        .split('\n')
        .filter(l => /^#{1,6}\s/.test(l));
      expect(headings.slice(1)).toEqual([
        '## Meaning',
        '## Impact',
        '## Diagnosis',
        '## Mitigation',
        '## Escalation',
      ]);
    }
  }
  const output = JSON.parse(
    artifacts.files.find(f => f.id === 'observability')!.content,
  );
  observabilityOutputSchema.parse(output);
  expect(output.confidence_score).toBeGreaterThanOrEqual(0);
  if (seen++ % SAMPLE_EVERY === 0) {
    samples.push({
      rules: artifacts.files.find(f => f.id === 'prometheus-rules')!.content,
      alertmanager: artifacts.files.find(f => f.id === 'alertmanager')!.content,
    });
  }
}

/** The tools' failure lines with the content of the file they name, for a readable diff. */
function failures(output: string): string[] {
  return output
    .split('\n')
    .filter(
      l =>
        /FAILED|error|Error/.test(l) && !/failed to validate \d+ file/.test(l),
    );
}

describe('generateArtifacts properties', () => {
  const specRuns = Number(process.env.PROP_RUNS ?? 6_000);
  const entityRuns = Number(process.env.PROP_RUNS2 ?? 4_000);

  it('never throws and emits parseable files for 6 000 arbitrary specs', () => {
    let runs = 0;
    fc.assert(
      fc.property(specArbitrary, spec => {
        runs += 1;
        checkArtifacts(generateArtifacts(asParsed(spec), config));
      }),
      { numRuns: specRuns },
    );
    expect(runs).toBe(specRuns);
  }, 600_000);

  it('never throws and emits parseable files for 4 000 arbitrary entities through parseSpec', () => {
    let runs = 0;
    fc.assert(
      fc.property(entityArbitrary, entity => {
        runs += 1;
        const { spec, findings } = parseSpec(
          entity as Parameters<typeof parseSpec>[0],
          config,
        );
        checkArtifacts(generateArtifacts(spec, config, findings));
      }),
      { numRuns: entityRuns },
    );
    expect(runs).toBe(entityRuns);
  }, 600_000);

  // These run after the two properties above (jest keeps definition order) and check their samples.
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'redline-prop-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function writeSamples(kind: 'rules' | 'alertmanager'): string[] {
    expect(samples.length).toBeGreaterThanOrEqual(
      Math.floor((specRuns + entityRuns) / SAMPLE_EVERY),
    );
    return samples.map((s, i) => {
      const file = join(dir, `${i}.${kind}.yaml`);
      writeFileSync(file, s[kind]);
      return file;
    });
  }

  describeWithBinary('promtool')('a sample through promtool', promtool => {
    it('promtool check rules accepts every sampled rule file', () => {
      const result = spawnSync(
        promtool,
        ['check', 'rules', ...writeSamples('rules')],
        { encoding: 'utf8' },
      );
      expect({
        status: result.status,
        failures: failures(result.stdout + result.stderr),
      }).toEqual({
        status: 0,
        failures: [],
      });
    });
  });

  describeWithBinary('amtool')('a sample through amtool', amtool => {
    it('amtool check-config accepts every sampled Alertmanager config', () => {
      const result = spawnSync(
        amtool,
        ['check-config', ...writeSamples('alertmanager')],
        { encoding: 'utf8' },
      );
      expect({
        status: result.status,
        failures: failures(result.stdout + result.stderr),
      }).toEqual({
        status: 0,
        failures: [],
      });
    });
  });
});
