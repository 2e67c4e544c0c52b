#!/usr/bin/env node
/**
 * Catalog-wide rule sync benchmark: a synthetic 10 000-entity catalog synced
 * with the real CatalogRuleSync (catalog pages → describe step → list →
 * plan → rate-limited writes) into
 *   (a) the vmalert-file target: a rules directory on disk, the reload sent
 *       to a loopback stand-in for vmalert that counts reloads (that vmalert
 *       loads what the target writes is vmalertFile.test.ts's job), and
 *   (b) the mimir-ruler target against the in-process ruler API test server
 *       (ruleTargets/__testUtils__/rulerApiServer.ts; no real Mimir).
 * For each: a first full sync, a dry run of the synced target (what a
 * reader waits for; must plan nothing), a no-op sync (must write nothing)
 * and a sync after 1 % of the entities changed (must write only those), in
 * one run.
 *
 *   node plugins/observability-backend/bench/sync.mjs
 *     [--entities 10000] [--batch-size 200] [--concurrency 8] [--pause-ms 10]
 *     [--json]
 *
 * Requests are what the target was sent (ruler: its listing included;
 * vmalert-file: reloads — the listing reads the directory); bytes are the
 * rules written; time is the whole sync, catalog walk and describe included.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/bench holds the shared synthetic catalog, not a package
import { syntheticCatalog } from '../../../test/bench/synthetic-catalog.mjs';

const require = createRequire(import.meta.url);
// Backstage's node transform, as `backstage-cli package start` runs the backend.
require('@backstage/cli/config/nodeTransform.cjs');
const { ROOT_CONTEXT } = require('@opentelemetry/api');
const {
  catalogServiceMock,
} = require('@backstage/plugin-catalog-node/testUtils');
const common = require('@redline/backstage-plugin-observability-common');
const {
  EntityObservabilityService,
} = require('../src/services/EntityObservabilityService.ts');
const { OutboundHttp } = require('../src/services/OutboundHttp.ts');
const { createRuleTarget } = require('../src/ruleTargets/registry.ts');
const {
  startRulerApiServer,
} = require('../src/ruleTargets/__testUtils__/rulerApiServer.ts');
const { CatalogRuleSync } = require('../src/sync/CatalogRuleSync.ts');

const { values: args } = parseArgs({
  options: {
    entities: { type: 'string', default: '10000' },
    'batch-size': { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '8' },
    'pause-ms': { type: 'string', default: '10' },
    json: { type: 'boolean', default: false },
  },
});
const ENTITIES = Number(args.entities);
const LIMITS = {
  batchSize: Number(args['batch-size']),
  concurrency: Number(args.concurrency),
  pauseMs: Number(args['pause-ms']),
};

const silent = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child: () => silent,
};
const ctx = {
  correlationId: 'bench-sync',
  logger: silent,
  trace: ROOT_CONTEXT,
};
const auth = {
  getOwnServiceCredentials: async () => ({
    $$type: '@backstage/BackstageCredentials',
    principal: { type: 'service', subject: 'bench' },
  }),
};

function catalogEntities() {
  return syntheticCatalog({ count: ENTITIES }).components.map((entity, i) => ({
    ...entity,
    metadata: {
      ...entity.metadata,
      namespace: 'default',
      uid: `uid-${i}`,
      etag: 'v1',
    },
  }));
}

/**
 * 1 % of the Components edited the way a team would: a new error-rate
 * threshold, on services spread over the catalog (libraries and websites
 * declare no rules, so editing theirs would change nothing to sync).
 */
function changeOnePercent(entities) {
  const services = entities.flatMap((e, i) =>
    e.spec.type === 'service' ? [i] : [],
  );
  const count = Math.round(entities.length / 100);
  const picked = new Set(
    Array.from(
      { length: count },
      (_, k) => services[Math.floor((k * services.length) / count)],
    ),
  );
  const changed = [];
  const next = entities.map((entity, i) => {
    if (!picked.has(i)) return entity;
    changed.push(`component:default/${entity.metadata.name}`);
    return {
      ...entity,
      metadata: {
        ...entity.metadata,
        etag: 'v2',
        annotations: {
          ...entity.metadata.annotations,
          'redline.dev/error-rate-threshold': '7',
        },
      },
    };
  });
  return { next, changed };
}

function newSync(entities, log) {
  return CatalogRuleSync.create({
    catalog: catalogServiceMock({ entities }),
    auth,
    describer: EntityObservabilityService.create({
      catalog: {},
      generator: common.DEFAULT_GENERATOR_CONFIG,
      generators: common.withGenerators([]),
      checks: common.withChecks([]),
    }),
    applyLog: { record: async () => void (log.records += 1) },
    limits: LIMITS,
  });
}

const outbound = () =>
  OutboundHttp.create({
    retry: { attempts: 3, initialDelayMs: 50, maxDelayMs: 500 },
    timeoutMs: 30_000,
  });

/** A loopback stand-in for vmalert's `/-/reload` that counts what it gets. */
async function reloadCounter() {
  let count = 0;
  const server = http.createServer((req, res) => {
    count += 1;
    res.end('');
  });
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests: () => count,
    close: () => new Promise(resolve => server.close(resolve)),
  };
}

async function measure(
  label,
  target,
  entities,
  targetRequests,
  log,
  { dryRun = false } = {},
) {
  const before = targetRequests();
  const recordsBefore = log.records;
  const result = await newSync(entities, log).run({
    target,
    actor: 'scheduler',
    dryRun,
    ctx,
  });
  // A dry run writes nothing: what it costs is the catalog walk and listing.
  result.applied ??= {
    bytesWritten: 0,
    namespacesWritten: 0,
    namespacesDeleted: 0,
    failed: 0,
  };
  process.stderr.write(
    `${target.name} ${label}: ${(result.durationMs / 1000).toFixed(1)} s\n`,
  );
  return {
    sync: label,
    requests: targetRequests() - before,
    bytesWritten: result.applied.bytesWritten,
    namespacesWritten: result.applied.namespacesWritten,
    namespacesDeleted: result.applied.namespacesDeleted,
    failed: result.applied.failed,
    historyRows: log.records - recordsBefore,
    seconds: result.durationMs / 1000,
    plan: result.plan,
  };
}

async function runScenarios(name, target, targetRequests) {
  const log = { records: 0 };
  const v1 = catalogEntities();
  const { next: v2, changed } = changeOnePercent(v1);
  const rows = [];
  rows.push(await measure('first full sync', target, v1, targetRequests, log));
  const dry = await measure('dry run', target, v1, targetRequests, log, {
    dryRun: true,
  });
  if (dry.plan.writes.length + dry.plan.deletes.length !== 0)
    throw new Error(`${name}: the dry run after a full sync planned changes`);
  rows.push(dry);
  const noop = await measure('no-op sync', target, v1, targetRequests, log);
  if (
    noop.namespacesWritten + noop.namespacesDeleted !== 0 ||
    noop.bytesWritten !== 0
  )
    throw new Error(`${name}: the no-op sync wrote something`);
  rows.push(noop);
  const onePercent = await measure(
    '1 % changed',
    target,
    v2,
    targetRequests,
    log,
  );
  const written = [...onePercent.plan.writes].sort();
  if (JSON.stringify(written) !== JSON.stringify([...changed].sort()))
    throw new Error(
      `${name}: the 1 % sync wrote ${written.length} namespaces, not the ${changed.length} changed`,
    );
  rows.push(onePercent);
  return rows.map(({ plan, ...row }) => ({ target: name, ...row }));
}

async function main() {
  const started = performance.now();
  const rows = [];

  const rulesDirectory = mkdtempSync(join(tmpdir(), 'redline-bench-sync-'));
  const vmalert = await reloadCounter();
  try {
    const target = createRuleTarget(
      {
        name: 'vm',
        type: 'vmalert-file',
        options: { rulesDirectory, url: vmalert.url },
      },
      { http: outbound() },
      'bench',
    );
    rows.push(
      ...(await runScenarios('vmalert-file', target, vmalert.requests)),
    );
    const files = readdirSync(rulesDirectory).filter(f =>
      f.startsWith('redline-'),
    ).length;
    rows.at(-1).note = `${files} files`;
  } finally {
    await vmalert.close();
    rmSync(rulesDirectory, { recursive: true, force: true });
  }

  const ruler = await startRulerApiServer();
  try {
    const target = createRuleTarget(
      {
        name: 'mimir',
        type: 'mimir-ruler',
        options: { url: ruler.url, tenant: 'bench' },
      },
      { http: outbound() },
      'bench',
    );
    let seen = 0;
    const requests = () => {
      // Counted and dropped: the server keeps every body otherwise.
      seen += ruler.requests.length;
      ruler.requests.length = 0;
      return seen;
    };
    rows.push(
      ...(await runScenarios('mimir-ruler (test server)', target, requests)),
    );
    const namespaces = ruler.tenants.get('bench')?.size ?? 0;
    rows.at(-1).note = `${namespaces} namespaces`;
  } finally {
    await ruler.close();
  }

  const totalSeconds = (performance.now() - started) / 1000;
  if (args.json) {
    console.log(
      JSON.stringify({
        entities: ENTITIES,
        limits: LIMITS,
        rows,
        totalSeconds,
      }),
    );
    return;
  }
  console.log(
    `Rule sync of ${ENTITIES} synthetic entities; batches of ${LIMITS.batchSize}, ${LIMITS.concurrency} at once, ${LIMITS.pauseMs} ms between batches; vmalert reload stand-in`,
  );
  console.log('');
  console.log(
    '| target | sync | requests | bytes written | namespaces written | deleted | failed | history rows | time (s) |',
  );
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows)
    console.log(
      `| ${r.target} | ${r.sync} | ${r.requests} | ${r.bytesWritten} | ${
        r.namespacesWritten
      } | ${r.namespacesDeleted} | ${r.failed} | ${
        r.historyRows
      } | ${r.seconds.toFixed(1)} |`,
    );
  for (const row of rows.filter(r => r.note))
    console.log(`${row.target}: ${row.note}`);
  console.log(
    `\nwhole run: ${totalSeconds.toFixed(1)} s, peak RSS ${Math.round(
      process.resourceUsage().maxRSS / 1024,
    )} MB`,
  );
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
