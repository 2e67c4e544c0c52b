/**
 * The live stack shared by `npm run demo:stack` and the alerting end-to-end
 * test: webhook receiver, instrumented demo service with traffic,
 * Alertmanager running the generated routing, and one of two engines:
 * Prometheus scraping the service and loading the rules directory the portal
 * applies to, or VictoriaMetrics scraping the service with vmalert loading
 * that directory. The portal itself is started by the caller with
 * {@link portalConfig}.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import pino from 'pino';
import { repoRoot, requireTs } from './ts.mjs';
import {
  startAlertmanager,
  startPrometheus,
  startVictoriaMetrics,
  startVmalert,
  prometheusConfig,
  scrapeConfig,
} from './monitoring.mjs';
import { startWebhookReceiver } from './webhook-receiver.mjs';

const demoService = () => requireTs('../../packages/demo-service/src/index.ts');
const common = () =>
  requireTs('@redline/backstage-plugin-observability-common');

const ruleFiles = () =>
  requireTs('../../plugins/observability-backend/src/services/RuleFiles.ts');

/** The engines {@link startMonitoringStack} runs, by option value. */
export const ENGINES = {
  prometheus: { datasource: 'Prometheus', evaluator: 'Prometheus' },
  victoriametrics: { datasource: 'VictoriaMetrics', evaluator: 'vmalert' },
};

/** `engine` if it is one of {@link ENGINES}, else throws naming the choices. */
export function checkEngine(engine) {
  if (!Object.hasOwn(ENGINES, engine))
    throw new Error(
      `engine must be one of ${Object.keys(ENGINES).join(
        ', ',
      )}, got '${engine}'`,
    );
  return engine;
}

/**
 * Binaries the stack needs for `engine`, with `requireBinary` semantics
 * (fail in CI, loud skip locally).
 */
export function requireStackBinaries(engine = 'prometheus') {
  const { requireBinary } = requireTs('../support/binaries.ts');
  const alertmanager = requireBinary('prometheus-alertmanager');
  if (checkEngine(engine) === 'victoriametrics') {
    // Every one is asked for, so one run names everything missing.
    const victoriaMetrics = requireBinary('victoria-metrics');
    const vmalert = requireBinary('vmalert');
    return victoriaMetrics && vmalert && alertmanager
      ? { victoriaMetrics, vmalert, alertmanager }
      : undefined;
  }
  const prometheus = requireBinary('prometheus');
  return prometheus && alertmanager ? { prometheus, alertmanager } : undefined;
}

/** Every YAML file under `dir`, recursively, sorted. */
function yamlFiles(dir) {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter(f => /\.ya?ml$/.test(f))
    .sort()
    .map(f => join(dir, f));
}

/** Every entity in the demo catalog (`catalog/**\/*.yaml`, multi-document). */
export function loadCatalogEntities(dir = join(repoRoot, 'catalog')) {
  const entities = [];
  for (const file of yamlFiles(dir)) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const value = doc.toJS();
      if (
        value &&
        typeof value === 'object' &&
        value.kind &&
        value.metadata?.name
      )
        entities.push(value);
    }
  }
  return entities;
}

/**
 * Annotations that send alert links away from the portal. The demo catalog's
 * checkout points `runbook-url` and `dashboard-url` at example.com pages that
 * do not exist; without them the generator links the portal's own runbook
 * page and the entity's Observability tab, which the stack can prove answer.
 */
export const EXTERNAL_LINK_ANNOTATIONS = [
  'redline.dev/runbook-url',
  'redline.dev/dashboard-url',
];

function matches(entity, ref) {
  return (
    entity?.kind?.toLowerCase() === ref.kind.toLowerCase() &&
    entity?.metadata?.name === ref.name &&
    (entity.metadata.namespace ?? 'default') === (ref.namespace ?? 'default')
  );
}

/**
 * Copies the demo catalog to `workDir/catalog`, removing `annotations` from
 * the entity `ref` in the copy (the repository's catalog is not touched), and
 * returns the `catalog.locations` config that loads the copy instead of the
 * original (same files, same relative layout as app-config.yaml's locations).
 */
export function writeCatalogVariant(
  workDir,
  ref,
  annotations = EXTERNAL_LINK_ANNOTATIONS,
) {
  const source = join(repoRoot, 'catalog');
  const target = join(workDir, 'catalog');
  cpSync(source, target, { recursive: true });
  let found = false;
  for (const file of yamlFiles(target)) {
    const docs = parseAllDocuments(readFileSync(file, 'utf8'));
    let changed = false;
    for (const doc of docs) {
      if (!matches(doc.toJS(), ref)) continue;
      found = true;
      for (const key of annotations) {
        if (doc.hasIn(['metadata', 'annotations', key])) {
          doc.deleteIn(['metadata', 'annotations', key]);
          changed = true;
        }
      }
    }
    if (changed)
      writeFileSync(file, docs.map(d => d.toString({ lineWidth: 0 })).join(''));
  }
  if (!found)
    throw new Error(
      `catalog has no ${ref.kind} ${ref.namespace ?? 'default'}/${ref.name}`,
    );

  // app-config.yaml's file locations are relative to packages/backend.
  const backendDir = join(repoRoot, 'packages/backend');
  const appConfig = parse(
    readFileSync(join(repoRoot, 'app-config.yaml'), 'utf8'),
  );
  const locations = (appConfig?.catalog?.locations ?? [])
    .filter(l => l.type === 'file')
    .map(l => ({
      ...l,
      target: resolve(target, relative(source, resolve(backendDir, l.target))),
    }))
    .filter(
      l => !relative(target, l.target).startsWith('..') && existsSync(l.target),
    );
  return locations.length > 0
    ? locations
    : yamlFiles(target).map(file => ({ type: 'file', target: file }));
}

/** The entity with the given annotations removed (in memory), as {@link writeCatalogVariant} writes it. */
export function withoutAnnotations(
  entity,
  annotations = EXTERNAL_LINK_ANNOTATIONS,
) {
  const copy = { ...entity.metadata.annotations };
  for (const key of annotations) delete copy[key];
  return { ...entity, metadata: { ...entity.metadata, annotations: copy } };
}

/** One catalog entity by kind and name (namespace `default`), or throws naming what was looked for. */
export function findCatalogEntity(kind, name, namespace = 'default') {
  const entity = loadCatalogEntities().find(e =>
    matches(e, { kind, name, namespace }),
  );
  if (!entity)
    throw new Error(
      `catalog has no ${kind} ${namespace}/${name} (looked in catalog/*.yaml)`,
    );
  return entity;
}

/** Annotations that route to real paging/chat services, which cannot be reached from a test. */
const EXTERNAL_RECEIVER_ANNOTATIONS = [
  'pagerduty.com/integration-key',
  'pagerduty.com/service-id',
  'opsgenie.com/team',
  'redline.dev/slack-channel',
];

/**
 * The entity as the stack uses it: a copy whose `redline.dev/alert-webhook`
 * points at the local receiver and whose external receivers (PagerDuty,
 * Opsgenie, Slack) are removed, so the generator routes every severity of the
 * owning team to the webhook. The catalog file is not touched.
 */
export function withLocalWebhook(entity, webhookUrl) {
  const annotations = { ...entity.metadata.annotations };
  for (const key of EXTERNAL_RECEIVER_ANNOTATIONS) delete annotations[key];
  annotations['redline.dev/alert-webhook'] = webhookUrl;
  return { ...entity, metadata: { ...entity.metadata, annotations } };
}

/**
 * The generated `alertmanager` artifact for `entity`: the same file the
 * portal's download route, the CLI and the scaffolder hand out, byte for byte.
 */
export function generatedAlertmanagerYaml(entity, partialConfig) {
  const { describeEntity, resolveGeneratorConfig } = common();
  const { spec, artifacts } = describeEntity(
    entity,
    resolveGeneratorConfig(partialConfig),
  );
  const file = artifacts.files.find(f => f.id === 'alertmanager');
  if (!file)
    throw new Error(
      `the generator produced no alertmanager artifact for ${spec.entityRef}`,
    );
  return file.content;
}

/**
 * Writes `entity`'s generated `prometheus-rules` artifact into the stack's
 * rules directory as the portal's apply route names it
 * (`redline-<kind>-<namespace>-<name>.yaml`, owner header first); for runs
 * without a portal. Returns the path.
 */
export function writeGeneratedRules(stack, entity, partialConfig) {
  const { describeEntity, resolveGeneratorConfig } = common();
  const { artifacts } = describeEntity(
    entity,
    resolveGeneratorConfig(partialConfig),
  );
  const file = artifacts.files.find(f => f.id === 'prometheus-rules');
  // Named and headed as the portal's apply writes it, so a later apply of
  // the same entity replaces this file instead of refusing a stranger's.
  const { ruleFileNameFor, withOwnerHeader } = ruleFiles();
  const entityRef = artifacts.entityRef;
  const path = join(stack.rulesDir, ruleFileNameFor(entityRef));
  writeFileSync(path, withOwnerHeader(entityRef, file.content));
  return path;
}

/**
 * Starts receiver, demo service (+ traffic), Alertmanager and the engine
 * under `group`, in that order. Options:
 * - `workDir` (required), `binaries` from {@link requireStackBinaries} for the same engine
 * - `engine`: `'prometheus'` (default) or `'victoriametrics'` (VictoriaMetrics + vmalert)
 * - `entity`: the catalog entity whose generated routing Alertmanager runs (default: checkout)
 * - `generatorConfig`: partial GeneratorConfig (alertmanager timings, portalBaseUrl)
 * - `ports`: { demo, prometheus, victoriaMetrics, vmalert, alertmanager, webhook } (default: free ports)
 * - `scrapeInterval`, `evaluationInterval`, `trafficRate`, `faults`, `serviceName`
 * - `onNotification`, `echo`
 */
export async function startMonitoringStack(group, options) {
  const {
    workDir,
    binaries,
    engine = 'prometheus',
    ports = {},
    scrapeInterval = '2s',
    evaluationInterval = '2s',
    trafficRate = 10,
    faults = {},
    serviceName = 'checkout',
    echo = false,
  } = options;
  checkEngine(engine);
  const rulesDir = join(workDir, 'rules');
  mkdirSync(rulesDir, { recursive: true });
  const started = {};
  try {
    started.webhook = await startWebhookReceiver({
      port: ports.webhook ?? 0,
      onNotification: options.onNotification,
    });

    const { createDemoService, startTrafficGenerator } = demoService();
    const logger = pino(
      {
        base: { service: serviceName },
        timestamp: pino.stdTimeFunctions.isoTime,
      },
      pino.destination({ dest: join(workDir, 'demo-service.log'), sync: true }),
    );
    started.demo = createDemoService({
      serviceName,
      baseLatencyMs: 20,
      faults,
      logger,
    });
    const demoAddress = await started.demo.listen(ports.demo ?? 0);
    started.demoUrl = demoAddress.url;
    started.traffic = startTrafficGenerator({
      baseUrl: demoAddress.url,
      ratePerSecond: trafficRate,
    });

    const { describeEntity, resolveGeneratorConfig } = common();
    const generatorConfig = resolveGeneratorConfig(options.generatorConfig);
    const entity = options.entity ?? findCatalogEntity('Component', 'checkout');
    // The team's path on the receiver shows which team's route a delivery took.
    const team = describeEntity(entity, generatorConfig).spec.team;
    started.alertmanagerYaml = generatedAlertmanagerYaml(
      withLocalWebhook(
        entity,
        `${started.webhook.url}/${encodeURIComponent(team)}`,
      ),
      {
        ...options.generatorConfig,
        // The stack's receiver listens on loopback, which the default
        // webhook policy refuses (an internal host); allow exactly it.
        alertWebhook: { allowedHosts: [new URL(started.webhook.url).hostname] },
      },
    );
    started.alertmanager = await startAlertmanager(group, {
      binary: binaries.alertmanager,
      workDir,
      port: ports.alertmanager,
      configYaml: started.alertmanagerYaml,
      echo,
    });

    const scrapeTargets = [`127.0.0.1:${demoAddress.port}`];
    if (engine === 'victoriametrics') {
      started.victoriaMetrics = await startVictoriaMetrics(group, {
        binary: binaries.victoriaMetrics,
        workDir,
        port: ports.victoriaMetrics,
        echo,
        scrape: scrapeConfig({ scrapeTargets, scrapeInterval }),
      });
      started.vmalert = await startVmalert(group, {
        binary: binaries.vmalert,
        workDir,
        port: ports.vmalert,
        echo,
        rulesDir,
        vmUrl: started.victoriaMetrics.url,
        alertmanagerUrl: started.alertmanager.url,
        evaluationInterval,
      });
      started.datasource = started.victoriaMetrics;
      started.evaluator = started.vmalert;
    } else {
      started.prometheus = await startPrometheus(group, {
        binary: binaries.prometheus,
        workDir,
        port: ports.prometheus,
        echo,
        config: prometheusConfig({
          scrapeTargets,
          rulesDir,
          alertmanagerHost: `127.0.0.1:${started.alertmanager.port}`,
          scrapeInterval,
          evaluationInterval,
        }),
      });
      started.datasource = started.prometheus;
      started.evaluator = started.prometheus;
    }
  } catch (error) {
    await stopInProcess(started);
    throw error;
  }
  return {
    ...started,
    engine,
    /** What answers queries (`datasource`) and evaluates the rules (`evaluator`), by name. */
    names: ENGINES[engine],
    rulesDir,
    workDir,
    /** Sets the demo service's fault switch through its HTTP API, as a user would. */
    async setFaults(settings) {
      const res = await fetch(`${started.demoUrl}/admin/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(settings),
      });
      if (!res.ok)
        throw new Error(`set faults: HTTP ${res.status} ${await res.text()}`);
      return res.json();
    },
    /** Stops the in-process parts; the spawned ones stop with `group.stopAll()`. */
    stopInProcess: () => stopInProcess(started),
  };
}

async function stopInProcess(started) {
  await started.traffic?.stop();
  await started.demo?.close();
  await started.webhook?.close();
}

/**
 * Extra portal config (merged over app-config.yaml) pointing Redline at the
 * stack, and the catalog at `catalogLocations` when given (see
 * {@link writeCatalogVariant}). The Prometheus instance takes the name the entity asks for with
 * `redline.dev/prometheus-instance` (so the annotation resolves) and is the
 * default for everyone else. On VictoriaMetrics its `url` is VictoriaMetrics
 * (queries) and its `rulesUrl` vmalert (deployed rules, reload).
 */
export function portalConfig(
  stack,
  { entity, generatorConfig = {}, observability = {}, catalogLocations } = {},
) {
  const annotations = entity?.metadata?.annotations ?? {};
  const promName = annotations['redline.dev/prometheus-instance'] ?? 'local';
  const amName = annotations['redline.dev/alertmanager-instance'] ?? 'local';
  return {
    ...(catalogLocations ? { catalog: { locations: catalogLocations } } : {}),
    observability: {
      ...observability,
      prometheus: {
        instances: [
          {
            name: promName,
            url: stack.datasource.url,
            ...(stack.evaluator === stack.datasource
              ? {}
              : { rulesUrl: stack.evaluator.url }),
            rulesDirectory: stack.rulesDir,
            default: true,
          },
        ],
        ...observability.prometheus,
      },
      alertmanager: {
        ...generatorConfig.alertmanager,
        instances: [
          { name: amName, url: stack.alertmanager.url, default: true },
        ],
        ...observability.alertmanager,
      },
      runbookCheck: {
        allowedHosts: ['localhost', '127.0.0.1'],
        ...observability.runbookCheck,
      },
    },
  };
}
