/**
 * The live stack shared by `npm run demo:stack` and the alerting end-to-end
 * test: webhook receiver, instrumented demo service with traffic,
 * Alertmanager running the generated routing, Prometheus scraping the service
 * and loading the rules directory the portal applies to. The portal itself is
 * started by the caller with {@link portalConfig}.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import pino from 'pino';
import { repoRoot, requireTs } from './ts.mjs';
import { startAlertmanager, startPrometheus, prometheusConfig } from './monitoring.mjs';
import { startWebhookReceiver } from './webhook-receiver.mjs';

const demoService = () => requireTs('../../packages/demo-service/src/index.ts');
const common = () => requireTs('@redline/backstage-plugin-observability-common');

/** Binaries the stack needs, with `requireBinary` semantics (fail in CI, loud skip locally). */
export function requireStackBinaries() {
  const { requireBinary } = requireTs('../support/binaries.ts');
  const prometheus = requireBinary('prometheus');
  const alertmanager = requireBinary('prometheus-alertmanager');
  return prometheus && alertmanager ? { prometheus, alertmanager } : undefined;
}

/** Every entity in the demo catalog (`catalog/*.yaml`, multi-document). */
export function loadCatalogEntities(dir = join(repoRoot, 'catalog')) {
  const entities = [];
  for (const file of readdirSync(dir).filter(f => /\.ya?ml$/.test(f)).sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      const value = doc.toJS();
      if (value && typeof value === 'object' && value.kind && value.metadata?.name) entities.push(value);
    }
  }
  return entities;
}

/** One catalog entity by kind and name (namespace `default`), or throws naming what was looked for. */
export function findCatalogEntity(kind, name, namespace = 'default') {
  const entity = loadCatalogEntities().find(
    e =>
      e.kind.toLowerCase() === kind.toLowerCase() &&
      e.metadata.name === name &&
      (e.metadata.namespace ?? 'default') === namespace,
  );
  if (!entity) throw new Error(`catalog has no ${kind} ${namespace}/${name} (looked in catalog/*.yaml)`);
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
 * The generated `alertmanager` artifact for `entities`, exactly as the
 * generator renders it (no post-processing).
 */
export function generatedAlertmanagerYaml(entities, generatorConfig) {
  const { parseSpec } = common();
  // TEMP until generate/index.ts exports the Alertmanager generator.
  const { generateAlertmanagerFragment, renderAlertmanagerYaml } = common().renderAlertmanagerYaml
    ? common()
    : requireTs('../../plugins/observability-common/src/generate/alertmanager.ts');
  const fragments = entities.map(entity => {
    const { spec } = parseSpec(entity, generatorConfig);
    return generateAlertmanagerFragment(spec, generatorConfig).fragment;
  });
  return renderAlertmanagerYaml(fragments);
}

/**
 * Starts receiver, demo service (+ traffic), Alertmanager and Prometheus under
 * `group`, in that order. Options:
 * - `workDir` (required), `binaries` from {@link requireStackBinaries}
 * - `entities`: catalog entities whose teams Alertmanager routes (default: checkout)
 * - `generatorConfig`: partial GeneratorConfig (alertmanager timings, portalBaseUrl)
 * - `ports`: { demo, prometheus, alertmanager, webhook } (default: free ports)
 * - `scrapeInterval`, `evaluationInterval`, `trafficRate`, `faults`, `serviceName`
 * - `onNotification`, `echo`
 */
export async function startMonitoringStack(group, options) {
  const {
    workDir,
    binaries,
    ports = {},
    scrapeInterval = '2s',
    evaluationInterval = '2s',
    trafficRate = 10,
    faults = {},
    serviceName = 'checkout',
    echo = false,
  } = options;
  const rulesDir = join(workDir, 'rules');
  mkdirSync(rulesDir, { recursive: true });
  const started = {};
  try {
    started.webhook = await startWebhookReceiver({ port: ports.webhook ?? 0, onNotification: options.onNotification });

    const { createDemoService, startTrafficGenerator } = demoService();
    const logger = pino(
      { base: { service: serviceName }, timestamp: pino.stdTimeFunctions.isoTime },
      pino.destination({ dest: join(workDir, 'demo-service.log'), sync: true }),
    );
    started.demo = createDemoService({ serviceName, baseLatencyMs: 20, faults, logger });
    const demoAddress = await started.demo.listen(ports.demo ?? 0);
    started.demoUrl = demoAddress.url;
    started.traffic = startTrafficGenerator({ baseUrl: demoAddress.url, ratePerSecond: trafficRate });

    const { resolveGeneratorConfig } = common();
    const generatorConfig = resolveGeneratorConfig(options.generatorConfig);
    const { parseSpec } = common();
    // One path per team, so a delivery shows which team's receiver it came through.
    const entities = (options.entities ?? [findCatalogEntity('Component', 'checkout')]).map(e =>
      withLocalWebhook(e, `${started.webhook.url}/${encodeURIComponent(parseSpec(e, generatorConfig).spec.team)}`),
    );
    started.alertmanagerYaml = generatedAlertmanagerYaml(entities, generatorConfig);
    started.alertmanager = await startAlertmanager(group, {
      binary: binaries.alertmanager,
      workDir,
      port: ports.alertmanager,
      configYaml: started.alertmanagerYaml,
      echo,
    });

    started.prometheus = await startPrometheus(group, {
      binary: binaries.prometheus,
      workDir,
      port: ports.prometheus,
      echo,
      config: prometheusConfig({
        scrapeTargets: [`127.0.0.1:${demoAddress.port}`],
        rulesDir,
        alertmanagerHost: `127.0.0.1:${started.alertmanager.port}`,
        scrapeInterval,
        evaluationInterval,
      }),
    });
  } catch (error) {
    await stopInProcess(started);
    throw error;
  }
  return {
    ...started,
    rulesDir,
    workDir,
    /** Sets the demo service's fault switch through its HTTP API, as a user would. */
    async setFaults(settings) {
      const res = await fetch(`${started.demoUrl}/admin/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(settings),
      });
      if (!res.ok) throw new Error(`set faults: HTTP ${res.status} ${await res.text()}`);
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
 * stack. The Prometheus instance takes the name the entity asks for with
 * `redline.dev/prometheus-instance` (so the annotation resolves) and is the
 * default for everyone else.
 */
export function portalConfig(stack, { entity, generatorConfig = {}, observability = {} } = {}) {
  const annotations = entity?.metadata?.annotations ?? {};
  const promName = annotations['redline.dev/prometheus-instance'] ?? 'local';
  const amName = annotations['redline.dev/alertmanager-instance'] ?? 'local';
  return {
    observability: {
      ...observability,
      prometheus: {
        instances: [{ name: promName, url: stack.prometheus.url, rulesDirectory: stack.rulesDir, default: true }],
        ...observability.prometheus,
      },
      alertmanager: {
        ...generatorConfig.alertmanager,
        instances: [{ name: amName, url: stack.alertmanager.url, default: true }],
        ...observability.alertmanager,
      },
      runbookCheck: { allowedHosts: ['localhost', '127.0.0.1'], ...observability.runbookCheck },
    },
  };
}
