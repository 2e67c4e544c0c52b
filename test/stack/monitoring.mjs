/**
 * Debian's Prometheus, Alertmanager, VictoriaMetrics and vmalert on loopback
 * with temporary data directories (FEASIBILITY.md: binary names `prometheus`
 * and `prometheus-alertmanager`, lifecycle API on, clustering off; package
 * `victoria-metrics` for `victoria-metrics` and `vmalert`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort, waitUntil } from './processes.mjs';

/** The glob Redline's rules directory must be loaded with (config.d.ts: `redline-*.yaml`). */
export const RULE_FILE_GLOB = 'redline-*.yaml';

/** The scrape part both engines read: the demo service every `scrapeInterval`. */
export function scrapeConfig({ scrapeTargets, scrapeInterval = '2s' }) {
  return {
    global: { scrape_interval: scrapeInterval },
    scrape_configs: [
      {
        job_name: 'demo-service',
        static_configs: [{ targets: scrapeTargets }],
      },
    ],
  };
}

/** Prometheus config: scrape the demo service, load the rules dir, send to Alertmanager. */
export function prometheusConfig({
  scrapeTargets,
  rulesDir,
  alertmanagerHost,
  scrapeInterval = '2s',
  evaluationInterval = '2s',
}) {
  const scrape = scrapeConfig({ scrapeTargets, scrapeInterval });
  return {
    global: { ...scrape.global, evaluation_interval: evaluationInterval },
    rule_files: [join(rulesDir, RULE_FILE_GLOB)],
    alerting: alertmanagerHost
      ? {
          alertmanagers: [
            { static_configs: [{ targets: [alertmanagerHost] }] },
          ],
        }
      : undefined,
    scrape_configs: scrape.scrape_configs,
  };
}

/**
 * Starts `prometheus`. `workDir` gets `prometheus.yml` and `prometheus-data/`.
 * Resolves with `{ url, port, handle, configFile, reload() }` once `/-/ready` answers.
 */
export async function startPrometheus(
  group,
  { binary = 'prometheus', workDir, port, config, echo = false },
) {
  port ??= await freePort();
  const configFile = join(workDir, 'prometheus.yml');
  const dataDir = join(workDir, 'prometheus-data');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(configFile, stringify(config));
  const handle = group.spawn(
    'prometheus',
    binary,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-lifecycle',
      // Short-lived test data; keep the footprint small on a shared machine.
      '--storage.tsdb.retention.time=2h',
      '--log.level=warn',
    ],
    { logFile: join(workDir, 'prometheus.log'), echo },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitReady(handle, `${url}/-/ready`);
  return {
    url,
    port,
    handle,
    configFile,
    async reload() {
      const res = await fetch(`${url}/-/reload`, { method: 'POST' });
      if (!res.ok)
        throw new Error(
          `prometheus reload: HTTP ${res.status} ${await res.text()}`,
        );
    },
  };
}

/**
 * Starts single-node `victoria-metrics` scraping with `scrapeConfig` (see
 * {@link scrapeConfig}); `workDir` gets `victoria-metrics-scrape.yml` and
 * `victoria-metrics-data/`. Resolves with `{ url, port, handle }` once
 * `/-/ready` answers.
 */
export async function startVictoriaMetrics(
  group,
  {
    binary = 'victoria-metrics',
    workDir,
    port,
    scrape,
    latencyOffset,
    echo = false,
  },
) {
  port ??= await freePort();
  const configFile = join(workDir, 'victoria-metrics-scrape.yml');
  const dataDir = join(workDir, 'victoria-metrics-data');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(configFile, stringify(scrape));
  const handle = group.spawn(
    'victoria-metrics',
    binary,
    [
      `-storageDataPath=${dataDir}`,
      `-httpListenAddr=127.0.0.1:${port}`,
      `-promscrape.config=${configFile}`,
      // VictoriaMetrics hides the last 30 s of samples from queries by
      // default; with second-long scrapes that only delays every alert.
      `-search.latencyOffset=${latencyOffset ?? scrape.global.scrape_interval}`,
      '-retentionPeriod=1d',
      '-loggerLevel=WARN',
    ],
    { logFile: join(workDir, 'victoria-metrics.log'), echo },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitReady(handle, `${url}/-/ready`);
  return { url, port, handle };
}

/**
 * Starts `vmalert` evaluating `<rulesDir>/redline-*.yaml` against
 * VictoriaMetrics (`vmUrl`, also where recording rules and `ALERTS` are
 * written and alert state is restored from) and notifying `alertmanagerUrl`.
 * Resolves with `{ url, port, handle, reload() }` once `/-/ready` answers.
 */
export async function startVmalert(
  group,
  {
    binary = 'vmalert',
    workDir,
    port,
    rulesDir,
    vmUrl,
    alertmanagerUrl,
    evaluationInterval = '2s',
    echo = false,
  },
) {
  port ??= await freePort();
  const url = `http://127.0.0.1:${port}`;
  const handle = group.spawn(
    'vmalert',
    binary,
    [
      `-rule=${join(rulesDir, RULE_FILE_GLOB)}`,
      `-datasource.url=${vmUrl}`,
      `-remoteWrite.url=${vmUrl}`,
      `-remoteRead.url=${vmUrl}`,
      `-notifier.url=${alertmanagerUrl}`,
      `-httpListenAddr=127.0.0.1:${port}`,
      `-external.url=${url}`,
      `-evaluationInterval=${evaluationInterval}`,
      // Recording rules feed the alert rules through VictoriaMetrics: flush
      // them as often as they are evaluated, not every 5 s.
      `-remoteWrite.flushInterval=${evaluationInterval}`,
      '-loggerLevel=WARN',
    ],
    { logFile: join(workDir, 'vmalert.log'), echo },
  );
  await waitReady(handle, `${url}/-/ready`);
  return {
    url,
    port,
    handle,
    async reload() {
      const res = await fetch(`${url}/-/reload`, { method: 'POST' });
      if (!res.ok)
        throw new Error(
          `vmalert reload: HTTP ${res.status} ${await res.text()}`,
        );
    },
  };
}

/**
 * Starts `prometheus-alertmanager` with `configYaml` (a string: the generated
 * artifact, byte for byte). Resolves with `{ url, port, handle, configFile }`.
 */
export async function startAlertmanager(
  group,
  {
    binary = 'prometheus-alertmanager',
    workDir,
    port,
    configYaml,
    echo = false,
  },
) {
  port ??= await freePort();
  const configFile = join(workDir, 'alertmanager.yml');
  const dataDir = join(workDir, 'alertmanager-data');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(configFile, configYaml);
  const handle = group.spawn(
    'alertmanager',
    binary,
    [
      `--config.file=${configFile}`,
      `--storage.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Empty: no gossip cluster, nothing listens beyond the web port.
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { logFile: join(workDir, 'alertmanager.log'), echo },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitReady(handle, `${url}/-/ready`);
  return { url, port, handle, configFile };
}

async function waitReady(handle, readyUrl) {
  try {
    await waitUntil(
      `${handle.name} at ${readyUrl}`,
      async () => {
        if (!handle.running) throw new Error(`${handle.name} exited`);
        return (await fetch(readyUrl)).ok;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  } catch (error) {
    throw new Error(
      `${error.message}\n--- ${handle.logFile} ---\n${handle.tail()}`,
    );
  }
}

/** `GET /api/v1/rules` groups of Prometheus or vmalert, or throws. */
export async function prometheusRules(url) {
  const res = await fetch(`${url}/api/v1/rules`);
  if (!res.ok) throw new Error(`${url}/api/v1/rules: HTTP ${res.status}`);
  // vmalert with no rule file loaded answers `"groups": null`.
  return (await res.json()).data.groups ?? [];
}

/** `GET /api/v1/alerts` of Prometheus or vmalert, or throws. */
export async function prometheusAlerts(url) {
  const res = await fetch(`${url}/api/v1/alerts`);
  if (!res.ok) throw new Error(`${url}/api/v1/alerts: HTTP ${res.status}`);
  return (await res.json()).data.alerts ?? [];
}

/** Instant query; returns the result vector. */
export async function prometheusQuery(url, query) {
  const res = await fetch(
    `${url}/api/v1/query?query=${encodeURIComponent(query)}`,
  );
  if (!res.ok)
    throw new Error(
      `prometheus query ${query}: HTTP ${res.status} ${await res.text()}`,
    );
  return (await res.json()).data.result;
}

/** Alertmanager's alerts (`/api/v2/alerts`), optionally filtered by label matchers like `service="checkout"`. */
export async function alertmanagerAlerts(url, filters = []) {
  const query = filters.map(f => `filter=${encodeURIComponent(f)}`).join('&');
  const res = await fetch(`${url}/api/v2/alerts${query ? `?${query}` : ''}`);
  if (!res.ok) throw new Error(`alertmanager alerts: HTTP ${res.status}`);
  return res.json();
}
