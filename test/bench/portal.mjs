#!/usr/bin/env node
/**
 * Portal benchmark: the real backend (packages/backend, SQLite, the demo
 * catalog plus a synthetic 10 000-Component catalog) against a real
 * Prometheus, all on 127.0.0.1, measured in one run:
 *
 *   1. catalog ingestion time of the synthetic entities;
 *   2. autocannon against the catalog's own entity route and Redline's entity
 *      view, for `checkout` and for a rotating set of synthetic entities, at
 *      10 and 50 connections: p50, p99, req/s, payload bytes, errors, and the
 *      view/catalog ratios (targets: view payload ≤ 20 KB, p99 ≤ 2× catalog);
 *   3. coverage evaluations of the whole catalog: the first on an empty
 *      database, the next one, and the first after the backend restarted on
 *      the same (SQLite file) database (skip it with --no-restart); each:
 *      wall time, backend CPU seconds, the run's own account of its CPU (the
 *      catalog, in the same backend, answering its pages is not Redline's
 *      work) and `/api/v1/rules` calls Prometheus received (targets: ≤ 3 s
 *      of Redline's CPU, one rules call per Prometheus instance).
 *
 * Each row starts from a collected heap: the backend is started with
 * collect-garbage-on-signal.cjs, and a full collection is forced before
 * each row. Without it the garbage one route's row promotes (the catalog's
 * 10 s at 50 connections grow the old generation by ~280 MB) is collected
 * in whichever row comes next, and its pause and concurrent marking land in
 * the other route's p99. Coverage runs are not preceded by one: a forced
 * collection lowers V8's next collection threshold to the bare live heap,
 * which pulls a full collection into the run that a running portal would
 * not have had there.
 *
 * The backend is started by test/stack/portal.mjs, as the e2e tests start
 * it: `backstage-cli package start`'s entry point and TypeScript loader
 * without its file watcher, which would restart the backend (and lose the
 * in-memory catalog) whenever someone edits a source file mid-run.
 *
 * Results go to stdout, progress to stderr. Targets are printed as
 * met/missed, never enforced: the exit code is non-zero only when something
 * could not be started.
 *
 *   npm run bench:portal
 *   npm run bench:portal -- --duration 5 --warmup 2 --entities 2000 --rotate 100 --keep --verbose
 *   npm run bench:portal -- --profile /tmp/prof   (the backend writes a .cpuprofile there on exit)
 *   npm run bench:portal -- --hanging-prometheus   (adds a phase: views of entities whose Prometheus never answers)
 */
import autocannon from 'autocannon';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { prometheusConfig, startPrometheus } from '../stack/monitoring.mjs';
import { startPortal } from '../stack/portal.mjs';
import { guestToken } from '../stack/portal-api.mjs';
import {
  freePort,
  ProcessGroup,
  sleep,
  stopOnExit,
  waitUntil,
} from '../stack/processes.mjs';
import {
  findCatalogEntity,
  loadCatalogEntities,
  writeGeneratedRules,
} from '../stack/stack.mjs';
import { repoRoot } from '../stack/ts.mjs';
import {
  cpuByThread,
  cpuSeconds,
  listenerPid,
  processTree,
  threadCpuDelta,
} from './proc.mjs';
import { syntheticCatalog, writeCatalogFiles } from './synthetic-catalog.mjs';

const TARGET_VIEW_BYTES = 20 * 1024;
const TARGET_P99_RATIO = 2;
const TARGET_COVERAGE_CPU_S = 3;
// The default, as users run it: the coverage measurement waits it out so
// that the run must ask for the rules itself (see measureCoverage). A
// shorter one would make each view row start with every connection waiting
// for /api/v1/rules, since the snapshot outlives its TTL only by one TTL
// more and the catalog's row in between lasts longer than that.
const RULES_CACHE_TTL_MS = 30_000;
/** How long the backend's CPU is sampled, idle, before each coverage run. */
const IDLE_WINDOW_MS = 10_000;
/** `observability.view.deadlineMs`, set explicitly so the hanging phase knows it. */
const VIEW_DEADLINE_MS = 5_000;
/** Entities the --hanging-prometheus phase points at the hanging instance. */
const HANGING_ENTITIES = 5;

function parseArgs(argv) {
  const args = {
    entities: 10_000,
    rotate: 200,
    duration: 10,
    warmup: 3,
    keep: false,
    verbose: false,
    profile: undefined,
    hangingPrometheus: false,
    restart: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--keep') args.keep = true;
    else if (arg === '--verbose') args.verbose = true;
    else if (arg === '--hanging-prometheus') args.hangingPrometheus = true;
    else if (arg === '--no-restart') args.restart = false;
    else if (arg === '--profile') args.profile = argv[++i];
    else if (
      ['--entities', '--rotate', '--duration', '--warmup'].includes(arg)
    ) {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value <= 0)
        throw new Error(`${arg} needs a positive whole number`);
      args[arg.slice(2)] = value;
    } else {
      throw new Error(
        `unknown argument ${arg} (known: --entities N --rotate N --duration S --warmup S --keep --verbose --profile DIR --hanging-prometheus --no-restart)`,
      );
    }
  }
  args.rotate = Math.min(args.rotate, args.entities);
  // Other work on a shared machine skews every figure; printed with them.
  args.loadBefore = loadavg()
    .map(l => l.toFixed(1))
    .join(' ');
  return args;
}

const log = message => process.stderr.write(`${message}\n`);
const seconds = ms => `${(ms / 1000).toFixed(1)} s`;

/** Thrown for anything that keeps the benchmark from running at all. */
class StartupError extends Error {}

async function main(args, group, workDir, databaseDir) {
  const started = Date.now();
  if (spawnSync('prometheus', ['--version']).status !== 0)
    throw new StartupError(
      'prometheus is not installed (apt-get install -y --no-install-recommends prometheus)',
    );

  // --- synthetic catalog -------------------------------------------------
  const catalog = syntheticCatalog({ count: args.entities });
  // Every k-th entity: the rotating set spans squads and annotation shapes
  // instead of the first few files.
  const step = Math.floor(args.entities / args.rotate);
  // --hanging-prometheus: a few entities outside the rotating set name a
  // second Prometheus that accepts connections and never answers.
  const hanging = args.hangingPrometheus
    ? await startHangingServer()
    : undefined;
  const hangingRefs = [];
  if (hanging) {
    for (let i = 0; hangingRefs.length < HANGING_ENTITIES; i++) {
      const entity = catalog.components[(i * step + 1) % args.entities];
      if (hangingRefs.includes(entity.metadata.name)) break;
      entity.metadata.annotations = {
        ...entity.metadata.annotations,
        'redline.dev/prometheus-instance': 'hanging',
      };
      hangingRefs.push(entity.metadata.name);
    }
  }
  const catalogFiles = writeCatalogFiles(join(workDir, 'catalog'), catalog);
  const rotating = Array.from(
    { length: args.rotate },
    (_, i) => catalog.components[i * step],
  );
  const demo = loadCatalogEntities();
  const expected = {
    component:
      demo.filter(e => e.kind === 'Component').length +
      catalog.components.length,
    group: demo.filter(e => e.kind === 'Group').length + catalog.groups.length,
  };
  // Coverage rows are only for what serves requests: the default
  // observability.servingComponentTypes is [service]; no type counts too.
  const serving = e =>
    e.kind === 'Component' && (!e.spec?.type || e.spec.type === 'service');
  expected.serving =
    demo.filter(serving).length + catalog.components.filter(serving).length;
  log(
    `synthetic catalog: ${catalog.components.length} Components, ${catalog.groups.length} Groups, ${catalog.systems.length} Systems in ${catalogFiles.length} files`,
  );

  // --- Prometheus ----------------------------------------------------------
  // Rules of checkout and of every other rotating entity are loaded, so the
  // view sees both deployed and undeployed services and /api/v1/rules answers
  // with a realistically sized body.
  const rulesDir = join(workDir, 'rules');
  mkdirSync(rulesDir, { recursive: true });
  let deployed = 0;
  try {
    for (const entity of [
      findCatalogEntity('Component', 'checkout'),
      // Only what serves requests has rules to load.
      ...rotating.filter((e, i) => i % 2 === 0 && serving(e)),
    ]) {
      writeGeneratedRules({ rulesDir }, entity);
      deployed += 1;
    }
  } catch (error) {
    log(
      `warning: could not generate rule files (${error.message}); Prometheus runs with ${deployed}`,
    );
  }
  const promDir = join(workDir, 'prometheus');
  mkdirSync(promDir, { recursive: true });
  const promPort = await freePort();
  const promConfig = prometheusConfig({
    scrapeTargets: [`127.0.0.1:${promPort}`],
    rulesDir,
    scrapeInterval: '15s',
    evaluationInterval: '15s',
  });
  promConfig.scrape_configs[0].job_name = 'prometheus';
  let prometheus;
  try {
    prometheus = await startPrometheus(group, {
      workDir: promDir,
      port: promPort,
      config: promConfig,
    });
  } catch (error) {
    throw new StartupError(`Prometheus did not start: ${error.message}`);
  }
  log(`prometheus: ${prometheus.url} (${deployed} rule files)`);

  // --- portal --------------------------------------------------------------
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const portalStarted = Date.now();
  const gcReportFile = join(workDir, 'gc-report.jsonl');
  /** Starts the backend; again after a restart, on the same database. */
  const startBackend = () =>
    startPortal(group, {
      workDir,
      port,
      echo: args.verbose,
      nodeArgs: [
        ...(args.profile
          ? ['--cpu-prof', `--cpu-prof-dir=${args.profile}`]
          : []),
        '--expose-gc',
        '--require',
        join(repoRoot, 'test/bench/collect-garbage-on-signal.cjs'),
      ],
      env: { REDLINE_BENCH_GC_REPORT: gcReportFile },
      // The demo catalog's own Location, not checkout: the catalog works
      // through its queue oldest first, so checkout (two Locations deep)
      // comes after the 10 000 synthetic entities queued before it. The
      // ingestion wait below covers the rest.
      waitForEntity: 'location:default/redline-demo-catalog',
      timeoutMs: 300_000,
      extraConfig: {
        app: { baseUrl: base },
        backend: {
          baseUrl: base,
          cors: { origin: base },
          // On files, not in memory: the restart phase starts a new backend
          // on the database the first one filled.
          database: {
            client: 'better-sqlite3',
            connection: { directory: databaseDir },
          },
          // LOG_LEVEL is warn (see the end of this file), but the coverage
          // run's own CPU account is an info line of this plugin.
          logger: {
            overrides: [
              { matchers: { plugin: 'observability' }, level: 'info' },
            ],
          },
        },
        catalog: {
          // Config arrays replace, they do not merge: the demo location is
          // listed again next to the synthetic files.
          locations: [
            { type: 'file', target: join(repoRoot, 'catalog/all.yaml') },
            ...catalogFiles.map(target => ({ type: 'file', target })),
          ],
          // The default (100–150 s) would re-process all 10 000 entities while
          // the routes are measured; ingestion of new entities does not wait
          // for it, so a long interval only removes that background churn.
          processingInterval: { minutes: 30 },
        },
        observability: {
          portalBaseUrl: base,
          prometheus: {
            instances: [
              {
                name: 'bench',
                url: prometheus.url,
                rulesDirectory: rulesDir,
                default: true,
              },
              ...(hanging ? [{ name: 'hanging', url: hanging.url }] : []),
            ],
            rulesCacheTtlMs: RULES_CACHE_TTL_MS,
          },
          view: { deadlineMs: VIEW_DEADLINE_MS },
          coverage: {
            // Only the triggered run is measured. The scheduler sleeps through
            // `initialDelay` before it even looks at triggers, so the delay is
            // short (its one run happens while the catalog is still nearly
            // empty) and the period long. Same keys as app-config.yaml, since
            // config objects merge key by key.
            schedule: {
              frequency: { minutes: 1440 },
              timeout: { minutes: 10 },
              initialDelay: { seconds: 1 },
            },
          },
        },
      },
    });
  let portal;
  let readyAt;
  try {
    const starting = startBackend();
    // startPortal spawns before its first await, so its handle is the
    // group's newest child already.
    const handle = group.children.at(-1);
    // When every plugin has started (the catalog begins ingesting then),
    // as opposed to when checkout, the first entity, can be read.
    readyAt = waitUntil(
      'backend readiness',
      async () =>
        handle.running &&
        (await fetch(`${base}/.backstage/health/v1/readiness`)).ok &&
        Date.now(),
      { timeoutMs: 300_000, intervalMs: 250 },
    ).catch(() => undefined);
    portal = await unlessExits(handle, starting);
  } catch (error) {
    throw new StartupError(`the portal did not start: ${error.message}`);
  }
  const backendUp = (await readyAt) ?? Date.now();
  const token = await guestToken(base);
  const headers = { authorization: `Bearer ${token}` };
  log(`portal: ${base} ready after ${seconds(backendUp - portalStarted)}`);

  // --- ingestion -------------------------------------------------------------
  const count = async kind => {
    const res = await fetch(
      `${base}/api/catalog/entities/by-query?filter=kind%3D${kind}&limit=1&fields=metadata.name`,
      { headers },
    );
    if (!res.ok) throw new Error(`catalog count: HTTP ${res.status}`);
    return (await res.json()).totalItems;
  };
  let last = { n: -1, at: Date.now() };
  let lastReport = 0;
  try {
    const outcome = await unlessExits(
      portal.handle,
      waitUntil(
        `the catalog to ingest ${expected.component} Components and ${expected.group} Groups`,
        async () => {
          if (!portal.handle.running) throw new Error('the backend exited');
          const [components, groups] = [
            await count('component'),
            await count('group'),
          ];
          const n = components + groups;
          if (n !== last.n) last = { n, at: Date.now() };
          // Returned, not thrown: waitUntil retries on a throw.
          else if (Date.now() - last.at > 120_000)
            return {
              stalled: `no progress for 2 min at ${components}/${expected.component} Components, ${groups}/${expected.group} Groups`,
            };
          if (Date.now() - lastReport > 10_000) {
            lastReport = Date.now();
            log(
              `  ingested ${components}/${expected.component} Components, ${groups}/${expected.group} Groups`,
            );
          }
          return components >= expected.component && groups >= expected.group;
        },
        // A stall (above) ends the wait early; this only bounds the run.
        { timeoutMs: 1_200_000, intervalMs: 1_000 },
      ),
    );
    if (outcome.stalled) throw new Error(outcome.stalled);
  } catch (error) {
    throw new StartupError(
      `${error.message}\n--- ${portal.handle.logFile} ---\n${portal.handle.tail(
        30,
      )}`,
    );
  }
  const ingested = Date.now();
  const ingestion = {
    entities: expected.component + expected.group,
    fromSpawn: ingested - portalStarted,
    afterUp: ingested - backendUp,
  };
  log(`catalog ingested after ${seconds(ingestion.fromSpawn)}`);

  // The backend is whatever process of the started tree holds the listening
  // socket (a wrapper such as backstage-cli would be its parent).
  const rootPid = portal.handle.child.pid;
  const backendPid = listenerPid(port, processTree(rootPid)) ?? rootPid;

  // --- load ------------------------------------------------------------------
  const routes = {
    catalog: ref => `/api/catalog/entities/by-name/component/default/${ref}`,
    view: ref => `/api/observability/entity/component/default/${ref}`,
  };
  const sets = [
    { name: 'checkout', refs: ['checkout'] },
    {
      name: `${rotating.length} synthetic`,
      refs: rotating.map(e => e.metadata.name),
    },
  ];
  const rows = [];
  const probes = {};
  let lastViewAt = Date.now();
  for (const set of sets) {
    for (const route of Object.keys(routes)) {
      const paths = set.refs.map(routes[route]);
      const result = await probe(base, paths, headers);
      // The catalog's own route is the baseline: without it there is
      // nothing to compare the view with.
      if (route === 'catalog' && result.failed)
        throw new StartupError(
          `the catalog route does not answer: ${result.sample}`,
        );
      probes[`${route} ${set.name}`] = result;
    }
    for (const connections of [10, 50]) {
      // Catalog then view back to back, so a busy moment on the shared
      // machine hits both halves of a ratio alike.
      for (const route of Object.keys(routes)) {
        const paths = set.refs.map(routes[route]);
        log(`  ${route} ${set.name} @${connections} ...`);
        // Warm-up at the row's own load: JIT, connection pools and caches,
        // as a portal under that load has them. Before each row, since the
        // other route's row in between outlasts what the view keeps (an
        // answer serves 10 s and 10 s more while it is refreshed); every
        // entity is asked for once first, since autocannon's connections
        // start at random places in the list and a few seconds of them
        // leave some entities out.
        await probe(base, paths, headers);
        await cannon(base, paths, headers, connections, args.warmup);
        const collected = await collectGarbage(backendPid, gcReportFile);
        const cpuBefore = cpuSeconds(processTree(rootPid));
        const result = await cannon(
          base,
          paths,
          headers,
          connections,
          args.duration,
        );
        const cpu = cpuSeconds(processTree(rootPid)) - cpuBefore;
        if (route === 'view') lastViewAt = Date.now();
        rows.push({
          cpuMsPerRequest: result.requests.total
            ? (cpu * 1000) / result.requests.total
            : undefined,
          route,
          set: set.name,
          connections,
          result,
          probe: probes[`${route} ${set.name}`],
          collected,
        });
      }
    }
  }

  // --- hanging Prometheus ----------------------------------------------------
  let hangingPhase;
  if (hanging) {
    const paths = hangingRefs.map(routes.view);
    log(`  view ${hangingRefs.length} on a hanging Prometheus @50 ...`);
    // Every view here lasts the whole deadline, and autocannon drops what
    // is still in flight when it stops: run for a few deadlines at least.
    const duration = Math.max(
      args.duration,
      Math.ceil((3 * VIEW_DEADLINE_MS) / 1000),
    );
    const result = await cannon(base, paths, headers, 50, duration);
    lastViewAt = Date.now();
    hangingPhase = { entities: hangingRefs.length, result };
  }

  // --- coverage --------------------------------------------------------------
  // Twice: the first run after the view traffic, and the next one, which is
  // what a long-running backend does every half hour.
  const coverageRuns = [];
  for (let run = 0; run < 2; run++) {
    coverageRuns.push(
      await measureCoverage({
        base,
        headers,
        prometheus,
        rootPid,
        logFile: portal.handle.logFile,
        notBefore:
          (run === 0 ? lastViewAt : Date.now()) + RULES_CACHE_TTL_MS + 1_000,
      }),
    );
  }

  // --- restart ---------------------------------------------------------------
  // A backend that restarts (a deploy, a crash) finds the catalog and what
  // the last coverage run remembered in its database: its first run is
  // measured like the others.
  if (args.restart) {
    log('coverage: restarting the backend on the same database');
    await portal.stop();
    let restarted;
    try {
      const starting = startBackend();
      // Spawned before startPortal's first await: the group's newest child.
      restarted = await unlessExits(group.children.at(-1), starting);
    } catch (error) {
      throw new StartupError(`the portal did not restart: ${error.message}`);
    }
    coverageRuns.push({
      ...(await measureCoverage({
        base,
        headers: { authorization: `Bearer ${await guestToken(base)}` },
        prometheus,
        rootPid: restarted.handle.child.pid,
        logFile: restarted.handle.logFile,
        notBefore: Date.now() + RULES_CACHE_TTL_MS + 1_000,
      })),
      afterRestart: true,
      pid: restarted.handle.child.pid,
    });
  }

  report({
    args,
    ingestion,
    rows,
    hangingPhase,
    coverageRuns,
    backendPid,
    started,
    expectedComponents: expected.component,
    expectedServing: expected.serving,
  });
}

/**
 * `promise`, or a rejection as soon as `handle`'s process exits: the stack's
 * waitUntil treats a dead process like a slow one and would sit out its
 * whole timeout.
 */
function unlessExits(handle, promise) {
  const exited = handle.exited.then(code => {
    throw new Error(
      `${handle.name} exited (${code})\n--- ${
        handle.logFile
      } ---\n${handle.tail(30)}`,
    );
  });
  return Promise.race([promise, exited]);
}

/** One request per path (uncompressed, as autocannon asks): status, body size, JSON or not. */
async function probe(base, paths, headers) {
  const out = { ok: 0, failed: 0, bytes: 0, sample: undefined };
  for (const path of paths) {
    const res = await fetch(`${base}${path}`, {
      headers: { ...headers, 'accept-encoding': 'identity' },
    });
    const body = Buffer.from(await res.arrayBuffer());
    let json = true;
    let parsed;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      json = false;
    }
    if (res.ok && json) {
      out.ok += 1;
      out.bytes += body.length;
      out.fields ??= fieldBytes(parsed);
    } else {
      out.failed += 1;
      out.sample ??= `${path} → HTTP ${res.status}${
        json ? '' : ' (not JSON)'
      }: ${body.toString('utf8').slice(0, 300)}`;
    }
  }
  out.meanBytes = out.ok ? Math.round(out.bytes / out.ok) : undefined;
  return out;
}

/** Bytes of each top-level field of a JSON object, largest first. */
function fieldBytes(value) {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return undefined;
  return Object.entries(value)
    .map(([key, field]) => [key, Buffer.byteLength(JSON.stringify(field))])
    .sort((a, b) => b[1] - a[1]);
}

/**
 * autocannon for `durationS` seconds at `connections`. Several paths: every connection
 * walks the list from its own random offset, so concurrent requests are for
 * different entities rather than all for the same one at the same moment.
 */
function cannon(base, paths, headers, connections, durationS) {
  const opts = {
    url: `${base}${paths[0]}`,
    connections,
    duration: durationS,
    headers,
  };
  if (paths.length > 1) {
    opts.url = base;
    opts.requests = paths.map(path => ({ method: 'GET', path }));
    opts.setupClient = client => {
      const offset = Math.floor(Math.random() * paths.length);
      const order = [...paths.slice(offset), ...paths.slice(0, offset)];
      client.setRequests(order.map(path => ({ method: 'GET', path })));
    };
  }
  return new Promise((resolve, reject) => {
    autocannon(opts, (error, result) =>
      error ? reject(error) : resolve(result),
    );
  });
}

const mb = bytes => `${Math.round(bytes / 1e6)} MB`;

/** "heap 520–610 MB → 170–180 MB in 80–120 ms" over forced collections. */
function collectionRange(collections) {
  const range = (values, format) => {
    const low = Math.min(...values);
    const high = Math.max(...values);
    return low === high
      ? format(low)
      : `${format(low)}–${format(high)}`.replace(/ MB–| ms–/, '–');
  };
  return `heap ${range(
    collections.map(c => c.before),
    mb,
  )} → ${range(
    collections.map(c => c.after),
    mb,
  )} in ${range(
    collections.map(c => c.ms),
    ms => `${Math.round(ms)} ms`,
  )}`;
}

/**
 * A full garbage collection in the backend, through the SIGUSR2 hook of
 * collect-garbage-on-signal.cjs; resolves with its report
 * (`{ ms, before, after }`, heap bytes) once the backend has written it.
 */
async function collectGarbage(pid, reportFile) {
  const reports = () =>
    existsSync(reportFile)
      ? readFileSync(reportFile, 'utf8').trim().split('\n').filter(Boolean)
      : [];
  const seen = reports().length;
  process.kill(pid, 'SIGUSR2');
  const line = await waitUntil(
    'the backend to report a garbage collection',
    async () => reports()[seen],
    { timeoutMs: 30_000, intervalMs: 50 },
  );
  return JSON.parse(line);
}

/**
 * A "Prometheus" that accepts connections and never answers: what the view's
 * deadline is for. Unreferenced: it ends with this process.
 */
async function startHangingServer() {
  const server = createServer(() => {});
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  return { url: `http://127.0.0.1:${server.address().port}` };
}

async function prometheusRulesCalls(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (
      line.startsWith('prometheus_http_requests_total{') &&
      line.includes('handler="/api/v1/rules"')
    )
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/**
 * Triggers a coverage evaluation and waits for its end. The backend's rules
 * cache is left to expire first (`notBefore`): a run served from the cache
 * the view traffic filled would show 0 rules calls and say nothing about
 * whether the evaluator makes one call or one per entity.
 *
 * The end of the run is its history point, written once every page is done.
 * `GET /coverage`'s `evaluatedAt` is not: it is the newest row's timestamp,
 * and rows are written page by page, so it changes after the first page.
 * Both moments are reported.
 */
async function measureCoverage({
  base,
  headers,
  prometheus,
  rootPid,
  logFile,
  notBefore,
}) {
  // The last seconds of the wait measure what the backend burns on its own
  // while nothing asks it anything (scheduler polls, the catalog's
  // background work): the run's CPU figure includes that much per second.
  const wait = notBefore - Date.now();
  if (wait > IDLE_WINDOW_MS) await sleep(wait - IDLE_WINDOW_MS);
  const idleFrom = Date.now();
  const idleCpuBefore = cpuSeconds(processTree(rootPid));
  await sleep(Math.max(0, notBefore - Date.now()));
  const idleSeconds = (Date.now() - idleFrom) / 1000;
  const idleCpuPerSecond =
    idleSeconds >= 1
      ? (cpuSeconds(processTree(rootPid)) - idleCpuBefore) / idleSeconds
      : undefined;
  const get = async path => {
    const res = await fetch(`${base}/api/observability${path}`, { headers });
    if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status}`);
    return res.json();
  };
  const evaluatedAt = async () =>
    (await get('/coverage?pageSize=1')).evaluatedAt;
  const lastHistoryPoint = async () => {
    const body = await get('/coverage/history?limit=1');
    // An array today; tolerate a wrapped list should the route change.
    const points = Array.isArray(body) ? body : body?.items ?? [];
    return points.at(-1);
  };

  const before = await evaluatedAt();
  const historyBefore = (await lastHistoryPoint())?.evaluatedAt;
  const rulesBefore = await prometheusRulesCalls(prometheus.url);
  const pids = processTree(rootPid);
  const cpuBefore = cpuSeconds(pids);
  const threadsBefore = cpuByThread(pids);
  const t0 = Date.now();
  const res = await fetch(`${base}/api/observability/coverage/refresh`, {
    method: 'POST',
    headers,
  });
  const text = await res.text();
  let trigger = `HTTP ${res.status}`;
  try {
    trigger += ` ${JSON.stringify(JSON.parse(text))}`;
  } catch {
    trigger += ` ${text.slice(0, 200)}`;
  }
  if (!res.ok) return { error: `refresh answered ${trigger}` };
  let firstPageMs;
  let point;
  try {
    point = await waitUntil(
      'a new coverage history point',
      async () => {
        if (firstPageMs === undefined) {
          const now = await evaluatedAt();
          if (now && now !== before) firstPageMs = Date.now() - t0;
        }
        const last = await lastHistoryPoint();
        return last && last.evaluatedAt !== historyBefore ? last : undefined;
      },
      // Two small indexed queries per poll, included in the CPU figure.
      { timeoutMs: 300_000, intervalMs: 500 },
    );
  } catch (error) {
    return { error: error.message, trigger };
  }
  const done = Date.now();
  const cpu = cpuSeconds(pids) - cpuBefore;
  const threads = threadCpuDelta(threadsBefore, cpuByThread(pids));
  const rulesCalls = (await prometheusRulesCalls(prometheus.url)) - rulesBefore;
  // evaluatedAt is stamped when the run starts (same clock as this
  // process): it separates the run from the scheduler's pickup delay (its
  // task poller looks for triggered tasks every few seconds).
  const runStart = Date.parse(point.evaluatedAt);
  let rows;
  try {
    rows = (await get('/coverage?pageSize=1')).totalItems;
  } catch {
    // only informative
  }
  return {
    ...evaluatorCpu(logFile),
    trigger,
    before: historyBefore,
    after: point.evaluatedAt,
    services: point.services,
    rows,
    wallMs: done - t0,
    firstPageMs,
    runMs: Number.isFinite(runStart) ? done - runStart : undefined,
    pickupMs: Number.isFinite(runStart) ? runStart - t0 : undefined,
    cpu,
    threads,
    rulesCalls,
    instances: 1,
    idleSeconds,
    idleCpuPerSecond,
  };
}

/**
 * The run's own CPU figures from its log line (`CoverageEvaluator`): the
 * process's CPU while the run went on, and the part spent while the
 * catalog (in the same backend) answered its pages.
 */
function evaluatorCpu(logFile) {
  const lines = readFileSync(logFile, 'utf8')
    .split('\n')
    .filter(line => line.includes('Coverage: evaluated'));
  const line = lines.at(-1) ?? '';
  const match =
    /CPU ([\d.]+) s, of which ([\d.]+) s while the catalog answered/.exec(line);
  const described = /(\d+) described anew/.exec(line);
  const gc =
    /garbage collection paused the main thread ([\d.]+) s \((\d+) full/.exec(
      line,
    );
  return {
    ...(match
      ? { runCpu: Number(match[1]), catalogCpu: Number(match[2]) }
      : {}),
    ...(gc ? { gcPauses: Number(gc[1]), fullGcs: Number(gc[2]) } : {}),
    ...(described ? { described: Number(described[1]) } : {}),
  };
}

/**
 * A latency percentile in ms, or undefined when no response completed within
 * the run (autocannon then reports 0, which would read as "fast").
 */
const latency = (result, key) =>
  result.requests.total > 0 ? result.latency[key] : undefined;
const pad = (value, width) => String(value).padStart(width);
const fmtMs = ms => (ms === undefined ? '-' : `${ms} ms`);
const ratio = (a, b) =>
  a === undefined || b === undefined || !b ? '-' : `${(a / b).toFixed(2)}×`;
const met = ok => (ok ? 'target met' : 'target missed');

function reportCoverage(
  p,
  { coverage, index, backendPid, expectedComponents, expectedServing },
) {
  p('');
  p(
    `coverage run ${index + 1} (POST /api/observability/coverage/refresh)${
      coverage.afterRestart
        ? ', the first after a restart on the same database'
        : index === 0
        ? ', after the view traffic (the first on an empty database)'
        : ', the next one'
    }:`,
  );
  if (coverage.error) {
    p(`  could not be measured: ${coverage.error}`);
    return;
  }
  // undefined: the history point does not say how many it evaluated.
  const complete =
    typeof coverage.services === 'number'
      ? coverage.services >= expectedServing
      : undefined;
  p(
    `  refresh ${coverage.trigger}; history point ${
      coverage.before ?? '(none)'
    } → ${coverage.after}: ${
      coverage.services ?? '?'
    } of ${expectedServing} Components serving requests evaluated (of ${expectedComponents}; libraries and websites are left out)${
      complete === false ? ' (INCOMPLETE run)' : ''
    }, ${
      coverage.described ?? '?'
    } described and checked anew (the others unchanged since the backend's previous run, or serving no requests); GET /coverage totalItems ${
      coverage.rows ?? '?'
    }`,
  );
  p(
    `  wall ${seconds(coverage.wallMs)} from trigger to history point${
      coverage.runMs !== undefined
        ? `: the run ${seconds(coverage.runMs)}, after ${seconds(
            coverage.pickupMs,
          )} for the scheduler to pick the trigger up`
        : ''
    }; GET /coverage's evaluatedAt already changed after ${
      coverage.firstPageMs === undefined ? '?' : seconds(coverage.firstPageMs)
    } (first page written)`,
  );
  let comparable = '';
  if (complete === false) comparable = ' (not comparable: incomplete run)';
  else if (expectedComponents < 10_000)
    comparable = ` (not comparable: the target is for 10 000 Components, this run had ${expectedComponents})`;
  p(
    `  backend process CPU (pid ${
      coverage.pid ?? backendPid
    } and its children, includes this script's 4 polls/s): ${coverage.cpu.toFixed(
      2,
    )} s`,
  );
  if (coverage.idleCpuPerSecond !== undefined) {
    const runSeconds = (coverage.runMs ?? coverage.wallMs) / 1000;
    p(
      `    idle just before (${coverage.idleSeconds.toFixed(
        1,
      )} s, no request): the backend used ${coverage.idleCpuPerSecond.toFixed(
        3,
      )} s of CPU per second, ≈ ${(
        coverage.idleCpuPerSecond * runSeconds
      ).toFixed(2)} s over the run's ${runSeconds.toFixed(
        1,
      )} s (counted in the figures below, not subtracted)`,
    );
  }
  if (coverage.threads?.length) {
    p(
      `    by thread: ${coverage.threads
        .map(([name, s]) => `${name} ${s.toFixed(2)} s`)
        .join(', ')}`,
    );
  }
  if (coverage.runCpu === undefined) {
    p('  the run logged no CPU figures');
  } else {
    const own = coverage.runCpu - coverage.catalogCpu;
    p(
      `  the run's own account: ${coverage.runCpu.toFixed(
        2,
      )} s of process CPU, of which ${coverage.catalogCpu.toFixed(
        2,
      )} s while the catalog answered its pages; Redline's share ${own.toFixed(
        2,
      )} s; target ≤ ${TARGET_COVERAGE_CPU_S} s: ${met(
        own <= TARGET_COVERAGE_CPU_S,
      )}${comparable}`,
    );
    if (coverage.gcPauses !== undefined) {
      p(
        `    during the run, garbage collection paused the main thread (wall time) ${coverage.gcPauses.toFixed(
          2,
        )} s, with ${coverage.fullGcs} full collection(s)`,
      );
    }
  }
  p(
    `  /api/v1/rules calls received by Prometheus: ${coverage.rulesCalls} (${
      coverage.instances
    } instance); target one per instance: ${met(
      coverage.rulesCalls === coverage.instances,
    )}${comparable}`,
  );
}

function report({
  args,
  ingestion,
  rows,
  hangingPhase,
  coverageRuns,
  backendPid,
  started,
  expectedComponents,
  expectedServing,
}) {
  const out = [];
  const p = line => out.push(line);
  p('');
  p(
    `redline portal benchmark — node ${process.version}, ${
      cpus()[0]?.model ?? 'cpu'
    }, ${availableParallelism()} cores (shared by backend, Prometheus and autocannon); load average ${
      args.loadBefore
    } at start, ${loadavg()
      .map(l => l.toFixed(1))
      .join(' ')} at end`,
  );
  p(
    `catalog: ${ingestion.entities} Components + Groups (demo + ${
      args.entities
    } synthetic) all ingested ${seconds(
      ingestion.fromSpawn,
    )} after the backend was spawned; ${seconds(
      ingestion.afterUp,
    )} of that after the backend was ready (${Math.round(
      ingestion.entities / Math.max(ingestion.afterUp / 1000, 0.001),
    )} entities/s)`,
  );
  p(
    `load: autocannon ${args.duration} s per row, each after one request per entity and a ${args.warmup} s warm-up at its own connections; payload = uncompressed JSON body of one response (mean over the set); CPU ms/req = backend CPU time during the row / requests completed`,
  );
  const collections = rows.map(row => row.collected);
  p(
    `heap: a full garbage collection is forced in the backend before each row (${collectionRange(
      collections,
    )}), so each route pays for the garbage it makes, not for what the other route's row left`,
  );
  p('');
  const header = [
    'route'.padEnd(8),
    'entities'.padEnd(14),
    pad('conns', 5),
    pad('p50', 8),
    pad('p99', 8),
    pad('req/s', 8),
    pad('payload B', 10),
    pad('CPU ms/req', 10),
    pad('requests', 9),
    pad('errors', 7),
    pad('non-2xx', 8),
  ].join(' | ');
  p(header);
  p('-'.repeat(header.length));
  for (const {
    route,
    set,
    connections,
    result,
    probe,
    cpuMsPerRequest,
  } of rows) {
    p(
      [
        route.padEnd(8),
        set.padEnd(14),
        pad(connections, 5),
        pad(fmtMs(latency(result, 'p50')), 8),
        pad(fmtMs(latency(result, 'p99')), 8),
        pad(Math.round(result.requests.average), 8),
        pad(probe.meanBytes ?? 'error', 10),
        pad(
          cpuMsPerRequest === undefined ? '-' : cpuMsPerRequest.toFixed(1),
          10,
        ),
        pad(result.requests.total, 9),
        pad(result.errors, 7),
        pad(result.non2xx, 8),
      ].join(' | '),
    );
  }
  p('');
  p('view / catalog (same entities, same connections):');
  const pairs = [];
  for (const row of rows.filter(r => r.route === 'view')) {
    const cat = rows.find(
      r =>
        r.route === 'catalog' &&
        r.set === row.set &&
        r.connections === row.connections,
    );
    pairs.push({ view: row, catalog: cat });
    p(
      `  ${row.set.padEnd(14)} @${pad(row.connections, 2)}: p99 ${ratio(
        latency(row.result, 'p99'),
        latency(cat.result, 'p99'),
      )}, req/s ${ratio(
        row.result.requests.average,
        cat.result.requests.average,
      )}, bytes ${ratio(row.probe.meanBytes, cat.probe.meanBytes)}`,
    );
  }
  p('');
  p('targets:');
  const checkoutView = rows.find(
    r => r.route === 'view' && r.set === 'checkout',
  ).probe;
  p(
    checkoutView.meanBytes === undefined
      ? `  view payload (checkout): no 2xx JSON answer (${checkoutView.sample}); target ≤ ${TARGET_VIEW_BYTES} B: target missed`
      : `  view payload (checkout): ${checkoutView.meanBytes} B (${(
          checkoutView.meanBytes / 1024
        ).toFixed(1)} KB); target ≤ 20 KB: ${met(
          checkoutView.meanBytes <= TARGET_VIEW_BYTES,
        )}`,
  );
  if (checkoutView.fields)
    p(
      `    by field: ${checkoutView.fields
        .map(([key, bytes]) => `${key} ${bytes}`)
        .join(', ')}`,
    );
  for (const { view, catalog } of pairs) {
    const v = latency(view.result, 'p99');
    const c = latency(catalog.result, 'p99');
    const clean =
      view.result.non2xx === 0 &&
      view.result.errors === 0 &&
      catalog.result.non2xx === 0;
    let verdict;
    if (v === undefined)
      verdict = `target missed (no view response completed within ${args.duration} s)`;
    else if (c === undefined) verdict = 'not measured (no catalog response)';
    else if (!clean) verdict = 'target missed (errors, see above)';
    else verdict = met(v / c <= TARGET_P99_RATIO);
    p(
      `  p99 view/catalog, ${view.set} @${view.connections}: ${ratio(
        v,
        c,
      )}; target ≤ ${TARGET_P99_RATIO}×: ${verdict}`,
    );
  }
  p('');
  coverageRuns.forEach((coverage, index) =>
    reportCoverage(p, {
      coverage,
      index,
      backendPid,
      expectedComponents,
      expectedServing,
    }),
  );
  const problems = rows.filter(
    r => r.probe.failed || r.result.non2xx || r.result.errors,
  );
  if (problems.length) {
    p('');
    p('problems:');
    const seen = new Set();
    for (const r of problems) {
      const key = `${r.route} ${r.set}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const codes = Object.entries(r.result.statusCodeStats ?? {})
        .map(([code, { count }]) => `${code}×${count}`)
        .join(' ');
      p(
        `  ${key}: status codes under load ${codes || '-'}; probe ${
          r.probe.failed
        }/${r.probe.failed + r.probe.ok} failed${
          r.probe.sample ? ` — ${r.probe.sample}` : ''
        }`,
      );
    }
  }
  if (hangingPhase) {
    const { result } = hangingPhase;
    const max = result.latency.max;
    const non2xx = result.non2xx ?? 0;
    p('');
    p(
      `hanging Prometheus (${hangingPhase.entities} entities @50, deadline ${VIEW_DEADLINE_MS} ms): ${result.requests.total} views, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${max} ms, non-2xx ${non2xx}, errors ${result.errors}, timeouts ${result.timeouts}`,
    );
    p(
      result.requests.total > 0 &&
        max <= VIEW_DEADLINE_MS + 1000 &&
        non2xx === 0 &&
        result.errors === 0
        ? `  ok: no request exceeds the deadline by more than 1 s (max overshoot ${Math.max(
            0,
            max - VIEW_DEADLINE_MS,
          )} ms)`
        : `  PROBLEM: max ${max} ms vs deadline ${VIEW_DEADLINE_MS} ms + 1 s, non-2xx ${non2xx}, errors ${result.errors}`,
    );
  }
  p('');
  p(`total run time ${seconds(Date.now() - started)}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

const args = (() => {
  try {
    return parseArgs(process.argv.slice(2));
  } catch (error) {
    log(error.message);
    process.exit(2);
  }
})();
// LOG_LEVEL=warn unless set: at info the backend logs every request, and
// this process relays that log through a pipe on the same event loop that
// drives autocannon.
process.env.LOG_LEVEL ??= 'warn';
const group = new ProcessGroup();
const workDir = mkdtempSync(join(tmpdir(), 'redline-bench-portal-'));
// SQLite files on a RAM disk where there is one: on a real disk every
// catalog write waits for an fsync, and ingestion takes many times longer
// than in memory, where the figures before the restart phase were measured.
const databaseDir = existsSync('/dev/shm')
  ? mkdtempSync('/dev/shm/redline-bench-db-')
  : join(workDir, 'db');
const finish = stopOnExit(group, async () => {
  await group.stopAll();
  rmSync(databaseDir, { recursive: true, force: true });
  if (args.keep) log(`kept ${workDir}`);
  else rmSync(workDir, { recursive: true, force: true });
});
main(args, group, workDir, databaseDir).then(
  () => finish(0),
  error => {
    log(
      error instanceof StartupError
        ? `bench:portal could not start: ${error.message}`
        : `bench:portal failed: ${error.stack ?? error}`,
    );
    const portalLog = join(workDir, 'portal.log');
    if (!(error instanceof StartupError)) {
      try {
        log(
          `--- last lines of ${portalLog} ---\n${readFileSync(portalLog, 'utf8')
            .split('\n')
            .slice(-20)
            .join('\n')}`,
        );
      } catch {
        // no portal log yet
      }
    }
    finish(1);
  },
);
