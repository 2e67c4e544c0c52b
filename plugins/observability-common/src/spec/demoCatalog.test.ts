/**
 * The demo catalog (`catalog/`) is product surface: the portal's first
 * screen and the e2e test read it. This test loads it the way the catalog
 * backend would (every target of `all.yaml`), validates each entity with the
 * catalog model's own validators, checks references resolve, and pins the
 * three showcase entities' behaviour.
 */
import {
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  DefaultNamespaceEntityPolicy,
  Entity,
  EntityPolicies,
  FieldFormatEntityPolicy,
  groupEntityV1alpha1Validator,
  locationEntityV1alpha1Validator,
  NoForeignRootFieldsEntityPolicy,
  parseEntityRef,
  SchemaValidEntityPolicy,
  stringifyEntityRef,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import { execFileSync } from 'node:child_process';
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { describeWithBinary } from '../../../../test/support/binaries';
import { ANNOTATION_DEFINITIONS } from './annotationSchemas';
import { ANNOTATIONS } from './annotations';
import { findPromqlSyntaxError } from './labelMatchers';
import { parseSpec } from './parseSpec';
import { computeRedTargets } from './redTargets';

const CATALOG_DIR = resolve(__dirname, '../../../../catalog');
const ROOT = join(CATALOG_DIR, 'all.yaml');

function loadFile(file: string): Entity[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map(doc => {
    if (doc.errors.length)
      throw new Error(
        `${relative(CATALOG_DIR, file)}: ${doc.errors[0].message}`,
      );
    return doc.toJS() as Entity;
  });
}

function listYaml(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    if (e.isDirectory()) return listYaml(join(dir, e.name));
    return /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : [];
  });
}

/** Follows Location targets from all.yaml, like the catalog's file provider. */
function loadCatalog(): { files: string[]; entities: Entity[] } {
  const files: string[] = [];
  const entities: Entity[] = [];
  const queue = [ROOT];
  while (queue.length) {
    const file = queue.shift()!;
    if (files.includes(file)) continue;
    files.push(file);
    for (const entity of loadFile(file)) {
      entities.push(entity);
      if (entity.kind === 'Location') {
        const targets = (entity.spec?.targets as string[] | undefined) ?? [
          entity.spec?.target as string,
        ];
        queue.push(...targets.map(t => resolve(dirname(file), t)));
      }
    }
  }
  return { files, entities };
}

const { files, entities } = loadCatalog();
const components = entities.filter(e => e.kind === 'Component');
const byName = (name: string) => {
  const found = components.find(e => e.metadata.name === name);
  if (!found) throw new Error(`no Component ${name} in the demo catalog`);
  return found;
};
const refOf = (e: Entity) => stringifyEntityRef(e);

describe('demo catalog', () => {
  it('is reachable in full from catalog/all.yaml', () => {
    expect(files.sort()).toEqual(listYaml(CATALOG_DIR).sort());
  });

  it('holds only entities the catalog accepts', async () => {
    const policy = EntityPolicies.allOf([
      new DefaultNamespaceEntityPolicy(),
      new NoForeignRootFieldsEntityPolicy(),
      new FieldFormatEntityPolicy(),
      new SchemaValidEntityPolicy(),
    ]);
    const validators = [
      componentEntityV1alpha1Validator,
      apiEntityV1alpha1Validator,
      systemEntityV1alpha1Validator,
      groupEntityV1alpha1Validator,
      userEntityV1alpha1Validator,
      locationEntityV1alpha1Validator,
    ];
    for (const entity of entities) {
      await expect(policy.enforce(entity)).resolves.toBeDefined();
      // Templates are validated by the scaffolder's own model, which -common does not depend on.
      if (entity.kind === 'Template') continue;
      const accepted = await Promise.all(validators.map(v => v.check(entity)));
      expect([refOf(entity), accepted.some(Boolean)]).toEqual([
        refOf(entity),
        true,
      ]);
    }
    const refs = entities.map(refOf);
    expect(new Set(refs).size).toBe(refs.length);
  });

  it('only references entities that exist', () => {
    const known = new Set(entities.map(refOf));
    const mustExist = (ref: string, defaultKind: string) =>
      expect([
        ref,
        known.has(stringifyEntityRef(parseEntityRef(ref, { defaultKind }))),
      ]).toEqual([ref, true]);
    for (const e of entities) {
      const spec = (e.spec ?? {}) as Record<string, unknown>;
      if (typeof spec.owner === 'string') mustExist(spec.owner, 'group');
      if (typeof spec.system === 'string') mustExist(spec.system, 'system');
      if (typeof spec.parent === 'string') mustExist(spec.parent, 'group');
      for (const r of (spec.providesApis as string[]) ?? [])
        mustExist(r, 'api');
      for (const r of (spec.consumesApis as string[]) ?? [])
        mustExist(r, 'api');
      for (const r of (spec.dependsOn as string[]) ?? [])
        mustExist(r, 'component');
      for (const r of (spec.memberOf as string[]) ?? []) mustExist(r, 'group');
      for (const r of (spec.members as string[]) ?? []) mustExist(r, 'user');
      for (const r of (spec.children as string[]) ?? []) mustExist(r, 'group');
    }
  });

  it('has realistic variety: 30+ Components, 6+ teams with people, systems, APIs, lifecycles, tiers and types', () => {
    expect(components.length).toBeGreaterThanOrEqual(30);
    const teams = entities.filter(
      e => e.kind === 'Group' && e.spec?.type === 'team',
    );
    expect(teams.length).toBeGreaterThanOrEqual(6);
    for (const team of teams) {
      const people = entities.filter(
        e =>
          e.kind === 'User' &&
          (e.spec?.memberOf as string[]).includes(team.metadata.name),
      );
      expect([team.metadata.name, people.length > 0]).toEqual([
        team.metadata.name,
        true,
      ]);
      expect([
        team.metadata.name,
        components.some(c => c.spec?.owner === team.metadata.name),
      ]).toEqual([team.metadata.name, true]);
    }
    expect(
      entities.filter(e => e.kind === 'System').length,
    ).toBeGreaterThanOrEqual(6);
    expect(
      entities.filter(e => e.kind === 'API').length,
    ).toBeGreaterThanOrEqual(5);
    expect(new Set(components.map(c => c.spec?.lifecycle))).toEqual(
      new Set(['production', 'experimental', 'deprecated']),
    );
    expect(new Set(components.map(c => c.spec?.type))).toEqual(
      new Set(['service', 'website', 'library']),
    );
    const tiers = new Set(
      components.map(c => parseSpec(c).spec.tier).filter(Boolean),
    );
    expect(tiers).toEqual(new Set(['tier-1', 'tier-2', 'tier-3']));
    const described = components.map(
      c => parseSpec(c).spec.describedAnnotations.length,
    );
    expect(described.filter(n => n >= 10).length).toBeGreaterThanOrEqual(5);
    expect(described.filter(n => n > 0 && n < 5).length).toBeGreaterThanOrEqual(
      10,
    );
    expect(described.filter(n => n === 0).length).toBeGreaterThanOrEqual(5);
  });

  it('points every demo URL at localhost or an example domain', () => {
    const urls = entities
      .flatMap(e => [
        ...Object.values(e.metadata.annotations ?? {}),
        ...(e.metadata.links ?? []).map(l => l.url),
      ])
      .flatMap(v => v.match(/[a-z]+:\/\/[^\s'"]+/g) ?? []);
    expect(urls.length).toBeGreaterThan(30);
    for (const url of urls) {
      const host = new URL(url.replace(/[{}]/g, '')).hostname;
      expect([
        url,
        host === 'localhost' || /(^|\.)example\.com$/.test(host),
      ]).toEqual([url, true]);
    }
  });

  it('describes checkout fully, with its own thresholds and SLOs and no findings', () => {
    const { spec, findings } = parseSpec(byName('checkout'));
    expect(findings).toEqual([]);
    expect(spec.owner).toBe('group:default/payments');
    expect(spec.slos).toEqual([
      {
        slo: 'availability',
        objectivePercent: 99.9,
        windowDays: 30,
        window: { type: 'rolling', days: 30 },
        annotation: ANNOTATIONS.sloAvailability,
      },
      {
        slo: 'latency',
        objectivePercent: 99,
        thresholdSeconds: 0.3,
        windowDays: 30,
        window: { type: 'rolling', days: 30 },
        annotation: ANNOTATIONS.sloLatency,
      },
    ]);
    expect(spec.metrics.histogramBuckets).toContain(0.3);
    expect(spec.thresholds).toEqual({
      rateDropPercent: {
        value: 40,
        source: 'annotation',
        annotation: ANNOTATIONS.rateDropThreshold,
      },
      errorRatePercent: {
        value: 0.5,
        source: 'annotation',
        annotation: ANNOTATIONS.errorRateThreshold,
      },
      latencyP99Ms: {
        value: 400,
        source: 'annotation',
        annotation: ANNOTATIONS.latencyP99Threshold,
      },
    });
    expect(spec.routing).toEqual({
      pagerduty: { serviceId: 'PCHK001', hasIntegrationKey: true },
      slackChannel: 'payments-alerts',
    });
    expect(spec.links).toMatchObject({
      runbookUrl: 'https://runbooks.example.com/payments/checkout',
      dashboardUrl: expect.stringMatching(/^https:/),
      logQueryUrl: expect.stringContaining('{correlation_id}'),
      traceUrl: expect.stringContaining('{trace_id}'),
      logSelector: '{app="checkout",env="prod"}',
    });
    expect(computeRedTargets(spec).map(t => t.thresholdDisplay)).toEqual([
      'drop > 40 % vs usual',
      '> 0.5 %',
      '> 400 ms',
    ]);
  });

  it('gives legacy-billing the seed defaults and guidance', () => {
    const entity = byName('legacy-billing');
    expect(entity.metadata.annotations ?? {}).toEqual({});
    const { spec, findings } = parseSpec(entity);
    expect(computeRedTargets(spec).map(t => [t.threshold, t.source])).toEqual([
      [50, 'default'],
      [1, 'default'],
      [500, 'default'],
    ]);
    expect(spec.slos).toEqual([]);
    expect(findings.map(f => [f.id, f.severity])).toEqual([
      ['annotation.missing', 'info'],
      ['annotation.missing', 'info'],
    ]);
  });

  it('turns every observability annotation of broken-annotations into a finding, without throwing', () => {
    const entity = byName('broken-annotations');
    const validated = new Set<string>(
      Object.values(ANNOTATION_DEFINITIONS).map(d => d.key),
    );
    const present = Object.keys(entity.metadata.annotations ?? {});
    // Every annotation Redline validates is present, and every one of them is broken.
    expect(present.filter(k => validated.has(k)).sort()).toEqual(
      [...validated].sort(),
    );
    const { spec, findings } = parseSpec(entity);
    const invalid = findings.filter(f => f.id === 'annotation.invalid');
    expect(invalid.map(f => f.annotation).sort()).toEqual(
      [...validated].sort(),
    );
    for (const f of invalid) {
      expect(f.message).toContain(f.annotation);
      expect(f.expected).toBeTruthy();
      expect(f.fix).toContain(f.annotation);
    }
    expect(spec.describedAnnotations).toEqual([]);
    expect(computeRedTargets(spec).map(t => t.source)).toEqual([
      'default',
      'default',
      'default',
    ]);
  });

  it('shows the not-a-bucket warning on reporting-api and nowhere else', () => {
    const warned = components.filter(c =>
      parseSpec(c).findings.some(
        f => f.id === 'slo.latency-threshold-not-a-bucket',
      ),
    );
    expect(warned.map(c => c.metadata.name)).toEqual(['reporting-api']);
  });

  it('yields only valid PromQL for every Component', () => {
    for (const c of components) {
      for (const t of computeRedTargets(parseSpec(c).spec)) {
        expect([c.metadata.name, findPromqlSyntaxError(t.alertExpr!)]).toEqual([
          c.metadata.name,
          undefined,
        ]);
      }
    }
  });
});

describeWithBinary('promtool')('demo catalog with promtool', promtool => {
  it('yields RED alert expressions Prometheus accepts for every Component', () => {
    const rules = components.flatMap(c =>
      computeRedTargets(parseSpec(c).spec).map(t => ({
        alert: `Red_${c.metadata.name.replace(/-/g, '_')}_${t.signal}`,
        expr: t.alertExpr!,
        for: t.for,
      })),
    );
    const dir = mkdtempSync(join(tmpdir(), 'redline-catalog-'));
    try {
      const file = join(dir, 'rules.yml');
      writeFileSync(
        file,
        JSON.stringify({ groups: [{ name: 'demo', rules }] }),
      );
      expect(
        execFileSync(promtool, ['check', 'rules', file], { encoding: 'utf8' }),
      ).toContain(`SUCCESS: ${rules.length} rules found`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
