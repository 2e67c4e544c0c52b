import { parse } from 'yaml';
import { resolveGeneratorConfig } from '../spec/config';
import { parseSpec } from '../spec/parseSpec';
import { chooseDesignLevel } from './output';
import { prometheusRuleObject } from './prometheusRuleCrd';
import { ruleGroupsForYaml } from './ruleFileYaml';
import { observabilityOutputSchema } from './outputSchema';
import { generateArtifacts } from './generateArtifacts';
import { withGenerators } from './generators';
import type { ArtifactGenerator } from './registry';
import { artifactFileInfo } from './types';
import { makeBareSpec, makeSpec } from './__testUtils__/makeSpec';

const config = resolveGeneratorConfig({
  portalBaseUrl: 'https://portal.example.com',
});

describe('generateArtifacts', () => {
  it('hands out every file with stable ids and paths', () => {
    const artifacts = generateArtifacts(makeSpec(), config);
    expect(artifacts.files.map(f => [f.id, f.path, f.mediaType])).toEqual([
      ['prometheus-rules', 'prometheus-rules.yaml', 'application/yaml'],
      ['prometheus-rule-crd', 'prometheus-rule.crd.yaml', 'application/yaml'],
      ['alertmanager', 'alertmanager.yaml', 'application/yaml'],
      ['grafana-dashboard', 'grafana-dashboard.json', 'application/json'],
      ['otel-collector', 'otel-collector.yaml', 'application/yaml'],
      ['loki-rules', 'loki-rules.yaml', 'application/yaml'],
      ...artifacts.runbooks.map(r => [
        `runbook:${r.alert}`,
        `runbooks/${r.alert}.md`,
        'text/markdown',
      ]),
      ['observability', 'observability.json', 'application/json'],
    ]);
    const json = artifacts.files.filter(
      f => f.mediaType === 'application/json',
    );
    const yaml = artifacts.files.filter(
      f => f.mediaType === 'application/yaml',
    );
    expect(json.map(f => typeof JSON.parse(f.content))).toEqual(
      json.map(() => 'object'),
    );
    expect(yaml.map(f => typeof parse(f.content))).toEqual(
      yaml.map(() => 'object'),
    );
  });

  it('writes rule file and PrometheusRule with the same rules as the rule objects', () => {
    const spec = makeSpec();
    const artifacts = generateArtifacts(spec, config);
    const content = (id: string) =>
      parse(artifacts.files.find(f => f.id === id)!.content);
    const groups = ruleGroupsForYaml(artifacts.rules.groups);
    expect(content('prometheus-rules')).toEqual({ groups });
    expect(content('prometheus-rule-crd')).toEqual(
      prometheusRuleObject(spec, artifacts.rules),
    );
  });

  it('writes a runbook for every alert, the log fallback included', () => {
    const artifacts = generateArtifacts(makeSpec(), config);
    const names = new Set(artifacts.alerts.map(a => a.name));
    expect(names).toContain('LogErrorRateFallback');
    expect(names).toContain('SLOErrorBudgetBurn');
    expect(new Set(artifacts.runbooks.map(r => r.alert))).toEqual(names);
    for (const alert of artifacts.alerts) {
      expect(artifacts.files.some(f => f.path === alert.runbookPath)).toBe(
        true,
      );
    }
  });

  it('puts a schema-valid output object in observability.json', () => {
    const artifacts = generateArtifacts(makeSpec(), config);
    const file = artifacts.files.find(f => f.id === 'observability')!;
    const output = JSON.parse(file.content);
    expect(observabilityOutputSchema.parse(output)).toEqual(artifacts.output);
    expect(output.observability_design).toMatchObject({
      pillars: ['metrics', 'logs', 'traces'],
      level: 'FULL_OBSERVABILITY_DESIGN',
      dashboards: [
        expect.objectContaining({
          uid: 'redline-checkout',
          file: 'grafana-dashboard.json',
        }),
      ],
    });
    expect(
      output.configuration.map((c: { component: string }) => c.component),
    ).toEqual([
      'prometheus',
      'alertmanager',
      'grafana',
      'opentelemetry-collector',
      'loki',
    ]);
    expect(output.alerts).toHaveLength(artifacts.alerts.length);
    expect(output.runbooks).toEqual(artifacts.runbooks.map(r => r.markdown));
    expect(output.confidence_score).toBe(artifacts.confidence.score);
  });

  it('states the fallback order when metadata is thin', () => {
    const bare = generateArtifacts(makeBareSpec(), config);
    expect(bare.output.observability_design.level).toBe('BASIC_METRICS');
    expect(bare.output.observability_design.pillars).toEqual(['metrics']);
    expect(bare.output.observability_design.level_reason).toMatch(
      /falls back past LOGGING_ONLY to BASIC_METRICS/,
    );
    expect(bare.files.some(f => f.id === 'loki-rules')).toBe(false);
    expect(bare.output.configuration.map(c => c.component)).not.toContain(
      'opentelemetry-collector',
    );

    const logsOnly = makeSpec({ links: { logSelector: '{app="checkout"}' } });
    expect(chooseDesignLevel(logsOnly).level).toBe('LOGGING_ONLY');
    const output = generateArtifacts(logsOnly, config).output;
    expect(output.observability_design.pillars).toEqual(['metrics', 'logs']);
    expect(output.observability_design.level_reason).toMatch(/No trace source/);
  });

  it('collects findings from the spec parser and every generator, once each', () => {
    const { spec, findings } = parseSpec(
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'checkout',
          annotations: { 'redline.dev/slo-availability': 'not-a-number' },
        },
        spec: { type: 'service', owner: 'group:default/payments' },
      },
      config,
    );
    const artifacts = generateArtifacts(spec, config, [
      ...findings,
      ...findings,
    ]);
    const ids = artifacts.findings.map(f => `${f.id}:${f.message}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(artifacts.findings.map(f => f.annotation)).toContain(
      'redline.dev/slo-availability',
    );
    expect(artifacts.findings.map(f => f.id)).toContain(
      'alertmanager.no-receiver',
    );
  });

  it('renders no file until it is read, and each file once', () => {
    const renders: string[] = [];
    const counting: ArtifactGenerator = {
      id: 'counting',
      generate: () => ({
        files: [
          {
            id: 'counting',
            path: 'counting.txt',
            mediaType: 'text/markdown',
            label: 'Counting',
            render: () => {
              renders.push('counting');
              return 'text';
            },
          },
        ],
      }),
    };
    const artifacts = generateArtifacts(
      makeSpec(),
      config,
      [],
      withGenerators([counting]),
    );
    expect(artifacts.files.map(artifactFileInfo)).toContainEqual({
      id: 'counting',
      path: 'counting.txt',
      mediaType: 'text/markdown',
      label: 'Counting',
    });
    expect(renders).toEqual([]);
    const file = artifacts.files.find(f => f.id === 'counting')!;
    expect(file.content).toBe('text');
    expect(file.content).toBe('text');
    expect(renders).toEqual(['counting']);
  });

  it('builds deferred dashboard summaries once, only when the output object or a later generator asks', () => {
    const builds: string[] = [];
    const deferred: ArtifactGenerator = {
      id: 'deferred-dashboard',
      generate: () => ({
        dashboards: () => {
          builds.push('deferred');
          return [{ uid: 'deferred', file: 'deferred.json' }];
        },
      }),
    };
    const artifacts = generateArtifacts(makeSpec(), config, [], [deferred]);
    expect(builds).toEqual([]);
    expect(artifacts.output.observability_design.dashboards).toEqual([
      { uid: 'deferred', file: 'deferred.json' },
    ]);
    expect(artifacts.output.observability_design.dashboards).toHaveLength(1);
    expect(builds).toEqual(['deferred']);

    const seen: unknown[] = [];
    const reader: ArtifactGenerator = {
      id: 'reads-dashboards',
      generate: ({ previous }) => {
        seen.push(...previous.dashboards.map(d => d.uid));
        return {};
      },
    };
    const eager: ArtifactGenerator = {
      id: 'eager-dashboard',
      generate: () => ({ dashboards: [{ uid: 'eager' }] }),
    };
    builds.length = 0;
    const both = generateArtifacts(
      makeSpec(),
      config,
      [],
      [deferred, reader, eager],
    );
    expect(seen).toEqual(['deferred']);
    expect(both.output.observability_design.dashboards.map(d => d.uid)).toEqual(
      ['deferred', 'eager'],
    );
    expect(builds).toEqual(['deferred']);
  });

  it('writes deferred runbooks and file lists once, only when read', () => {
    const calls: string[] = [];
    const runbook = {
      alert: 'Deferred',
      title: 'Deferred',
      path: 'runbooks/Deferred.md',
      markdown: '# Deferred',
    };
    const deferred: ArtifactGenerator = {
      id: 'deferred-runbooks',
      generate: () => ({
        runbooks: () => {
          calls.push('runbooks');
          return [runbook];
        },
        files: () => {
          calls.push('files');
          return [
            {
              id: 'runbook:Deferred',
              path: runbook.path,
              mediaType: 'text/markdown',
              label: 'Runbook: Deferred',
              render: () => runbook.markdown,
            },
          ];
        },
      }),
    };
    const artifacts = generateArtifacts(makeSpec(), config, [], [deferred]);
    expect(calls).toEqual([]);
    expect(artifacts.runbooks).toEqual([runbook]);
    expect(artifacts.runbooks).toBe(artifacts.runbooks);
    expect(calls).toEqual(['runbooks']);
    expect(artifacts.files.map(f => f.content)).toEqual(['# Deferred']);
    expect(artifacts.files).toHaveLength(1);
    expect(calls).toEqual(['runbooks', 'files']);
    // Still own, enumerable and in the order the keys always had.
    expect(Object.keys(artifacts).slice(0, 5)).toEqual([
      'entityRef',
      'serviceName',
      'rules',
      'alerts',
      'runbooks',
    ]);
    expect(JSON.parse(JSON.stringify(artifacts)).runbooks).toEqual([runbook]);
  });

  it('lists the built-in runbooks in the file list, the same ones on every read', () => {
    const artifacts = generateArtifacts(makeSpec(), config);
    const first = artifacts.runbooks;
    expect(first.length).toBeGreaterThan(0);
    expect(
      artifacts.files.filter(f => f.id.startsWith('runbook:')).map(f => f.path),
    ).toEqual(first.map(r => r.path));
    expect(artifacts.runbooks).toBe(first);
  });

  it('keeps runbook Markdown an own, stable property and the dashboard summary in step with its file', () => {
    const artifacts = generateArtifacts(makeSpec(), config);
    const runbook = artifacts.runbooks[0];
    // Own, enumerable and stable: spreading or serialising a runbook still carries its text.
    expect(Object.keys(runbook)).toEqual([
      'alert',
      'title',
      'path',
      'markdown',
    ]);
    expect(runbook.markdown).toBe(runbook.markdown);
    expect(JSON.parse(JSON.stringify(runbook)).markdown).toBe(runbook.markdown);
    expect({ ...runbook }.markdown).toBe(runbook.markdown);
    const file = artifacts.files.find(
      f => f.id === `runbook:${runbook.alert}`,
    )!;
    expect(file.content).toBe(runbook.markdown);
    expect(Object.keys(file)).toEqual([
      'id',
      'path',
      'mediaType',
      'label',
      'content',
    ]);
    const [summary] = artifacts.output.observability_design.dashboards;
    const dashboard = JSON.parse(
      artifacts.files.find(f => f.id === 'grafana-dashboard')!.content,
    );
    expect(summary).toMatchObject({
      uid: dashboard.uid,
      title: dashboard.title,
      file: 'grafana-dashboard.json',
    });
  });

  it('runs an added generator before the runbooks, so its alerts get one', () => {
    const extra: ArtifactGenerator = {
      id: 'extra-alerts',
      generate: ({ spec, previous }) => ({
        alerts: [
          {
            ...previous.alerts[0],
            name: 'ExtraAlert',
            key: 'ExtraAlert',
            runbookPath: 'runbooks/ExtraAlert.md',
          },
        ],
        findings: [
          { id: 'extra.note', severity: 'info', message: `saw ${spec.name}` },
        ],
      }),
    };
    const artifacts = generateArtifacts(
      makeSpec(),
      config,
      [],
      withGenerators([extra]),
    );
    expect(artifacts.alerts.map(a => a.name)).toContain('ExtraAlert');
    expect(artifacts.runbooks.map(r => r.alert)).toContain('ExtraAlert');
    expect(artifacts.findings.map(f => f.id)).toContain('extra.note');
    expect(artifacts.output.alerts.map(a => a.name)).toContain('ExtraAlert');
  });
});
