#!/usr/bin/env node
/**
 * `npm run demo:stack`: the whole product live on loopback, in one command.
 *
 *   webhook receiver <- Alertmanager (generated routing) <- Prometheus (rules the portal applies)
 *                                                              ^ scrapes
 *   traffic generator -> demo "checkout" service (RED metrics, JSON logs, spans, fault switch)
 *   portal (backend serving the built app) -> Prometheus / Alertmanager
 *
 * With `--engine victoriametrics`, VictoriaMetrics scrapes the service and
 * answers the queries, and vmalert evaluates the rules directory against it
 * and notifies Alertmanager; the portal reads deployed rules from vmalert.
 *
 * Ctrl-C (or SIGTERM) stops everything it started.
 *
 * Options: --engine prometheus|victoriametrics (default prometheus),
 * --error-rate <0..1> (default 0.1, so alerts fire within minutes),
 * --latency-ms <n>, --rps <n> (default 10), --no-portal (the rules are then
 * written straight into the engine's rules directory), --no-apply,
 * --keep (keep the temporary directory with logs), --verbose (portal output).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ProcessGroup, portOrFree, stopOnExit } from './processes.mjs';
import {
  checkEngine,
  findCatalogEntity,
  portalConfig,
  requireStackBinaries,
  startMonitoringStack,
  withoutAnnotations,
  writeCatalogVariant,
  writeGeneratedRules,
} from './stack.mjs';
import { repoRoot } from './ts.mjs';
import { applyRules } from './portal-api.mjs';

const ENTITY = { kind: 'component', namespace: 'default', name: 'checkout' };

const { values: args } = parseArgs({
  options: {
    engine: { type: 'string', default: 'prometheus' },
    'error-rate': { type: 'string', default: '0.1' },
    'latency-ms': { type: 'string', default: '0' },
    rps: { type: 'string', default: '10' },
    'no-portal': { type: 'boolean', default: false },
    'no-apply': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
});

function numberArg(name, min, max) {
  const value = Number(args[name]);
  if (!Number.isFinite(value) || value < min || value > max) {
    console.error(
      `--${name} must be a number between ${min} and ${max}, got '${args[name]}'`,
    );
    process.exit(2);
  }
  return value;
}

const errorRate = numberArg('error-rate', 0, 1);
const latencyMs = Math.round(numberArg('latency-ms', 0, 60_000));
const rps = numberArg('rps', 0.1, 200);
let engine;
try {
  engine = checkEngine(args.engine);
} catch (error) {
  console.error(`--${error.message}`);
  process.exit(2);
}

const binaries = requireStackBinaries(engine);
if (!binaries) {
  console.error(
    engine === 'victoriametrics'
      ? "demo:stack --engine victoriametrics needs Debian's victoria-metrics and prometheus-alertmanager (see the message above)."
      : "demo:stack needs Debian's prometheus and prometheus-alertmanager (see the message above).",
  );
  process.exit(1);
}

const workDir = mkdtempSync(join(tmpdir(), 'redline-stack-'));
const group = new ProcessGroup();
let stack;
let portal;

const finish = stopOnExit(group, async () => {
  // Spawned programs stop in reverse start order: portal, the engine, Alertmanager.
  await group.stopAll();
  await stack?.stopInProcess();
  if (args.keep) console.error(`logs kept in ${workDir}`);
  else rmSync(workDir, { recursive: true, force: true });
  console.error('stopped.');
});

// checkout's catalog entry links example.com runbook/dashboard pages that do
// not exist; the stack's portal reads a copy without them, so alerts link the
// portal's generated runbooks and the Observability tab.
const checkout = withoutAnnotations(
  findCatalogEntity(ENTITY.kind, ENTITY.name, ENTITY.namespace),
);
const catalogLocations = writeCatalogVariant(workDir, ENTITY);
const alertTimings = {
  groupWait: '10s',
  groupInterval: '1m',
  repeatInterval: '1h',
};

console.log(`starting the Redline live stack in ${workDir} ...`);
stack = await startMonitoringStack(group, {
  workDir,
  binaries,
  engine,
  ports: {
    demo: await portOrFree(8080),
    prometheus: await portOrFree(9090),
    victoriaMetrics: await portOrFree(8428),
    vmalert: await portOrFree(8880),
    alertmanager: await portOrFree(9093),
    webhook: await portOrFree(9095),
  },
  trafficRate: rps,
  faults: { errorRate, latencyMs },
  scrapeInterval: '5s',
  evaluationInterval: '5s',
  entity: checkout,
  generatorConfig: { alertmanager: alertTimings },
  onNotification: ({ path, body }) => {
    for (const alert of body.alerts ?? []) {
      const l = alert.labels;
      console.log(
        `[webhook ${path}] ${alert.status.toUpperCase()} ${l.alertname}${
          l.burn_window ? ` (${l.burn_window} burn)` : ''
        } ` +
          `service=${l.service} severity=${l.severity} receiver=${body.receiver}\n    runbook: ${alert.annotations.runbook_url}`,
      );
    }
  },
});

const lines = [
  [
    'Demo service',
    `${stack.demoUrl}/api/orders  (metrics: ${stack.demoUrl}/metrics)`,
  ],
  ...(stack.prometheus
    ? [['Prometheus', `${stack.prometheus.url}/alerts`]]
    : [
        ['VictoriaMetrics', `${stack.victoriaMetrics.url}/vmui`],
        ['vmalert', `${stack.vmalert.url}/`],
      ]),
  ['Alertmanager', stack.alertmanager.url],
  ['Webhook receiver', `${stack.webhook.url}  (deliveries are printed below)`],
];

if (!args['no-portal']) {
  const { buildFrontend } = await import('../e2e/portal.mjs');
  const { startPortal } = await import('./portal.mjs');
  if (!existsSync(join(repoRoot, 'packages/app/dist/index.html'))) {
    console.log('building the frontend once (packages/app/dist) ...');
    buildFrontend();
  }
  console.log('starting the portal (backend serving the built app) ...');
  portal = await startPortal(group, {
    workDir,
    port: await portOrFree(7007),
    echo: args.verbose,
    extraConfig: portalConfig(stack, {
      entity: checkout,
      catalogLocations,
      generatorConfig: { alertmanager: alertTimings },
    }),
  });
  if (!portal.servesApp) {
    console.error(
      `warning: ${portal.baseUrl} does not serve the app (packages/app/dist was missing or being rebuilt at start); the API works, the pages do not`,
    );
  }
  const entityPage = `${portal.baseUrl}/catalog/${ENTITY.namespace}/${ENTITY.kind}/${ENTITY.name}/observability`;
  lines.unshift(
    ['Portal', `${portal.baseUrl}  (sign in as guest)`],
    ['Observability tab', entityPage],
  );
  if (!args['no-apply']) {
    const applied = await applyRules(portal.baseUrl, ENTITY);
    console.log(
      `applied checkout's generated rules: ${applied.path} (validated: ${applied.validated}, reload: ${applied.reload.status})`,
    );
  }
}

if (args['no-portal']) {
  // No portal to apply through: write the same generated file it would.
  const file = writeGeneratedRules(stack, checkout);
  await stack.evaluator.reload();
  console.log(
    `wrote checkout's generated rules to ${file} and reloaded ${stack.names.evaluator}`,
  );
}

console.log('\nRedline live stack is up:');
for (const [label, url] of lines) console.log(`  ${label.padEnd(18)} ${url}`);
console.log(`  ${'Logs'.padEnd(18)} ${workDir}/*.log`);
console.log(
  `\nFault switch (now errorRate=${errorRate}, latencyMs=${latencyMs}):`,
);
console.log(
  `  curl -X POST ${stack.demoUrl}/admin/faults -H 'content-type: application/json' -d '{"errorRate": 1, "latencyMs": 0}'`,
);
console.log('Press Ctrl-C to stop everything.\n');

// Anything the stack started dying on its own ends the demo rather than leaving half a stack.
for (const handle of group.children) {
  handle.exited.then(code => {
    if (group.stopping) return;
    console.error(
      `${
        handle.name
      } exited unexpectedly (${code}); last log lines:\n${handle.tail(20)}`,
    );
    finish(1);
  });
}
