/**
 * A synthetic catalog for the portal benchmark, written as YAML files the
 * backend reads through ordinary `file` locations.
 *
 * Written here rather than imported: the existing generators
 * (plugins/observability-cli/bench/generate.mjs and
 * plugins/observability-backend/bench/coverageServer.ts) run their own
 * benchmark as soon as they are loaded, and neither writes owner Groups or
 * Systems, which the catalog needs to resolve `spec.owner` / `spec.system`
 * the way it does in a real organisation.
 *
 * Deterministic (seeded), so every run ingests and measures the same catalog.
 * No side effects on import.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

/** mulberry32: small, seedable, good enough to spread annotations. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Ten departments of four squads: 50 Groups under the demo catalog's
// `engineering` organisation, so ownership resolves to a real hierarchy.
const AREAS = [
  'commerce',
  'discovery',
  'accounts',
  'infra',
  'analytics',
  'apps',
  'growth',
  'ads',
  'logistics',
  'messaging',
];
const SQUADS = ['core', 'edge', 'insights', 'tooling'];
const NOUNS = [
  'orders',
  'ledger',
  'catalog',
  'pricing',
  'profile',
  'session',
  'ingest',
  'export',
  'notify',
  'quota',
  'report',
  'search',
  'routing',
  'billing',
  'media',
  'feed',
];
const ROLES = ['api', 'worker', 'gateway', 'web', 'indexer', 'scheduler'];
const LANGUAGES = ['java', 'go', 'node', 'python', 'kotlin', 'rust'];
const LATENCY_SLOS = [
  '99% < 300ms',
  '95% < 500ms',
  '99.5% < 1s',
  '99% < 250ms',
  '90% < 100ms',
];

/**
 * `count` Components owned by 40 squads (a skewed spread: a few squads own
 * many services, most own few, as in real organisations), plus the squads'
 * and departments' Groups and one System per squad. Returns
 * `{ groups, systems, components }` as plain entity objects.
 */
export function syntheticCatalog({ count = 10_000, seed = 42 } = {}) {
  const rnd = random(seed);
  const pick = list => list[Math.floor(rnd() * list.length)];
  const chance = p => rnd() < p;

  const groups = [];
  const squads = [];
  for (const area of AREAS) {
    groups.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: `bench-${area}`, title: `Bench ${area}` },
      spec: {
        type: 'department',
        parent: 'engineering',
        children: SQUADS.map(s => `bench-${area}-${s}`),
      },
    });
    for (const squad of SQUADS) {
      const name = `bench-${area}-${squad}`;
      squads.push(name);
      groups.push({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Group',
        metadata: { name, title: `${area} ${squad}` },
        spec: {
          type: 'team',
          parent: `bench-${area}`,
          profile: { email: `${name}@example.com` },
          children: [],
        },
      });
    }
  }
  const systems = squads.map(squad => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name: `${squad}-system` },
    spec: { owner: squad },
  }));

  // Zipf-like ownership weights, cumulative, for weighted picks.
  const weights = squads.map((_, rank) => 1 / Math.pow(rank + 1, 0.8));
  const total = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  const cumulative = weights.map(w => (acc += w / total));
  const pickSquad = () => {
    const r = rnd();
    const index = cumulative.findIndex(c => r <= c);
    return squads[index === -1 ? squads.length - 1 : index];
  };

  const components = [];
  for (let i = 0; i < count; i++) {
    const squad = pickSquad();
    const name = `${pick(NOUNS)}-${pick(ROLES)}-${String(i).padStart(5, '0')}`;
    const type = chance(0.8) ? 'service' : pick(['website', 'library']);
    const lifecycle = chance(0.75)
      ? 'production'
      : pick(['experimental', 'deprecated']);
    const annotations = {};
    const a = (key, value) => {
      annotations[key] = value;
    };
    if (chance(0.8)) a('redline.dev/tier', pick(['1', '2', '2', '3', '3']));
    const hasSlo = chance(0.45);
    if (hasSlo)
      a('redline.dev/slo-availability', pick(['99', '99.5', '99.9', '99.95']));
    if (hasSlo && chance(0.6)) a('redline.dev/slo-latency', pick(LATENCY_SLOS));
    if (chance(0.5))
      a(
        'redline.dev/runbook-url',
        `https://runbooks.example.com/${squad}/${name}`,
      );
    if (chance(0.3))
      a(
        'redline.dev/dashboard-url',
        `https://grafana.example.com/d/${name}/${name}`,
      );
    if (chance(0.25))
      a('redline.dev/error-rate-threshold', pick(['0.5', '1', '2', '5']));
    if (chance(0.2))
      a(
        'redline.dev/latency-p99-threshold',
        pick(['250ms', '400ms', '1s', '2s']),
      );
    if (chance(0.1))
      a('redline.dev/rate-drop-threshold', pick(['40', '60', '80']));
    if (chance(0.15))
      a(
        'redline.dev/metrics-selector',
        pick([
          `service="${name}",env="prod"`,
          `job="${name}",env=~"prod|prod-eu"`,
        ]),
      );
    if (chance(0.2))
      a('redline.dev/log-selector', `{app="${name}", env="prod"}`);
    if (chance(0.15)) {
      a(
        'redline.dev/log-query-url',
        'https://logs.example.com/explore?service={service}&q=correlation_id%3D{correlation_id}',
      );
      a('redline.dev/trace-url', 'https://traces.example.com/trace/{trace_id}');
    }
    if (chance(0.5)) a('redline.dev/slack-channel', `#${squad}-alerts`);
    if (chance(0.15)) {
      a('pagerduty.com/integration-key', `bench${String(i).padStart(27, '0')}`);
      a('pagerduty.com/service-id', `PB${String(i).padStart(5, '0')}`);
    }
    // A little broken metadata, as every real catalog has.
    if (chance(0.01)) a('redline.dev/error-rate-threshold', 'lots');
    if (chance(0.01)) a('redline.dev/tier', 'platinum');
    components.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name,
        title: `${name} (${squad})`,
        description: `Synthetic ${type} ${i} of the portal benchmark.`,
        tags: [pick(LANGUAGES)],
        annotations,
      },
      spec: { type, lifecycle, owner: squad, system: `${squad}-system` },
    });
  }
  return { groups, systems, components };
}

/**
 * Writes the catalog to `dir` as multi-document YAML: one file for the org
 * (Groups and Systems) and one per `perFile` Components, the way large
 * catalogs are split across repositories. Returns the absolute file paths
 * (the org file first, so owners exist early).
 */
export function writeCatalogFiles(dir, catalog, { perFile = 250 } = {}) {
  mkdirSync(dir, { recursive: true });
  const docs = entities =>
    entities.map(e => `---\n${stringify(e, { lineWidth: 0 })}`).join('');
  const files = [];
  const org = join(dir, 'org.yaml');
  writeFileSync(org, docs([...catalog.groups, ...catalog.systems]));
  files.push(org);
  for (let i = 0; i < catalog.components.length; i += perFile) {
    const file = join(
      dir,
      `components-${String(i / perFile).padStart(3, '0')}.yaml`,
    );
    writeFileSync(file, docs(catalog.components.slice(i, i + perFile)));
    files.push(file);
  }
  return files;
}
