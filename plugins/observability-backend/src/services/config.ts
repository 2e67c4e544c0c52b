import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import {
  findMetricNameProblems,
  isHttpUrl,
  GeneratorConfig,
  resolveGeneratorConfig,
} from '@redline/backstage-plugin-observability-common';
import {
  builtInRuleTargetKinds,
  parseRuleTarget,
  type RuleTargetConfig,
} from '../ruleTargets/registry';
import type { RuleTargetKind } from '../ruleTargets/RuleTarget';
import { DEFAULT_MAX_RESPONSE_BYTES } from './OutboundHttp';
import type { RetryPolicy } from './retry';

/** A Prometheus server from `observability.prometheus.instances`. @public */
export interface PrometheusInstanceConfig {
  name: string;
  url: string;
  rulesDirectory?: string;
  /** Where `/api/v1/rules` and `/-/reload` go when not `url` (vmalert beside VictoriaMetrics). */
  rulesUrl?: string;
  /** Sent as `X-Scope-OrgID` (Mimir's or Cortex's Prometheus API). */
  tenant?: string;
  default: boolean;
}

/** An Alertmanager from `observability.alertmanager.instances`. @public */
export interface AlertmanagerInstanceConfig {
  name: string;
  url: string;
  default: boolean;
}

/** Everything the backend reads from `observability.*`, defaults applied. @public */
export interface ObservabilityBackendConfig {
  generator: GeneratorConfig;
  prometheus: {
    instances: PrometheusInstanceConfig[];
    timeoutMs: number;
    rulesCacheTtlMs: number;
    queryCacheTtlMs: number;
  };
  alertmanager: {
    instances: AlertmanagerInstanceConfig[];
    stormThreshold: number;
    cacheTtlMs: number;
  };
  runbookCheck: { allowedHosts: string[]; timeoutMs: number };
  retry: RetryPolicy & { openCircuitMs: number };
  outbound: { maxResponseBytes: number };
  view: { deadlineMs: number };
  apply: { promtoolPath: string };
  /** See `observability.catalogCacheTtlMs`. */
  catalogCacheTtlMs: number;
  /** `observability.ruleTargets`, each checked against its type's options. */
  ruleTargets: RuleTargetConfig[];
}

/** The seed's `retry_config`: 3 attempts, 1 s doubling up to 8 s. @public */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 3,
  initialDelayMs: 1000,
  maxDelayMs: 8000,
};

/**
 * How long the tab's view waits for facts before answering with those that
 * arrived: a person waiting for a tab gives up after a few seconds.
 * @public
 */
export const DEFAULT_VIEW_DEADLINE_MS = 5000;

function readInstances<
  T extends { name: string; url: string; default: boolean },
>(
  config: Config | undefined,
  extra: (
    instance: Config,
    index: number,
  ) => Omit<T, 'name' | 'url' | 'default'>,
): T[] {
  const instances = (config?.getOptionalConfigArray('instances') ?? []).map(
    (instance, index) =>
      ({
        name: instance.getString('name'),
        // Trailing slashes would double up when paths are appended.
        url: instance.getString('url').replace(/\/+$/, ''),
        default: instance.getOptionalBoolean('default') ?? false,
        ...extra(instance, index),
      } as T),
  );
  const names = new Set<string>();
  for (const instance of instances) {
    if (names.has(instance.name)) {
      throw new Error(
        `Duplicate instance name '${instance.name}' in observability config`,
      );
    }
    names.add(instance.name);
  }
  return instances;
}

/**
 * Reads `observability.*` once at startup. Invalid config fails the backend
 * start (Backstage's usual behaviour) rather than every request later.
 * @public
 */
export function readObservabilityConfig(
  config: Config,
  options: {
    /**
     * What `observability.ruleTargets` entries are checked against (default
     * Redline's own kinds). `'unchecked'`: only their names, types and
     * owners, for a module that builds no targets and cannot see the kinds
     * other modules add to the plugin (the scaffolder module); the plugin
     * checks them at its own start.
     */
    ruleTargetKinds?: readonly RuleTargetKind[] | 'unchecked';
  } = {},
): ObservabilityBackendConfig {
  const root = config.getOptionalConfig('observability');
  const metrics = root?.getOptionalConfig('metrics');
  const prometheus = root?.getOptionalConfig('prometheus');
  const alertmanager = root?.getOptionalConfig('alertmanager');
  const runbookCheck = root?.getOptionalConfig('runbookCheck');
  const retry = root?.getOptionalConfig('retry');
  const positive = (key: string, fallback: number): number => {
    const value = root?.getOptionalNumber(key) ?? fallback;
    if (!Number.isFinite(value) || value <= 0) {
      throw new Error(
        `observability.${key} must be a positive number, got ${value}`,
      );
    }
    return value;
  };

  const metricOverrides = {
    requestsTotal: metrics?.getOptionalString('requestsTotal'),
    statusLabel: metrics?.getOptionalString('statusLabel'),
    durationHistogram: metrics?.getOptionalString('durationHistogram'),
    serviceLabel: metrics?.getOptionalString('serviceLabel'),
    histogramBuckets: metrics?.getOptional<number[]>('histogramBuckets'),
  };
  const alertmanagerTimings = {
    groupWait: alertmanager?.getOptionalString('groupWait'),
    groupInterval: alertmanager?.getOptionalString('groupInterval'),
    repeatInterval: alertmanager?.getOptionalString('repeatInterval'),
  };

  // Falling back to a default name would leave the generated rules and the
  // backend's own queries disagreeing about the label; refuse to start.
  const [badName] = findMetricNameProblems(withoutUndefined(metricOverrides));
  if (badName) {
    throw new Error(
      `observability.metrics.${badName.key} must be a Prometheus ${
        badName.kind
      } name (${badName.expected}), got ${JSON.stringify(badName.value)}`,
    );
  }

  const generator = resolveGeneratorConfig({
    portalBaseUrl:
      root?.getOptionalString('portalBaseUrl') ??
      config.getOptionalString('app.baseUrl'),
    metrics: withoutUndefined(metricOverrides),
    alertmanager: withoutUndefined(alertmanagerTimings),
    alertWebhook: {
      allowedHosts: root?.getOptionalStringArray('alertWebhook.allowedHosts'),
    },
    watchdog: withoutUndefined({
      heartbeatUrl: root?.getOptionalString('watchdog.heartbeatUrl'),
      repeatInterval: root?.getOptionalString('watchdog.repeatInterval'),
    }),
    servingComponentTypes: root?.getOptionalStringArray(
      'servingComponentTypes',
    ),
  });

  const attempts =
    retry?.getOptionalNumber('attempts') ?? DEFAULT_RETRY_POLICY.attempts;
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new Error(
      `observability.retry.attempts must be an integer >= 1, got ${attempts}`,
    );
  }

  return {
    generator,
    prometheus: {
      instances: readInstances<PrometheusInstanceConfig>(
        prometheus,
        (instance, index) => ({
          rulesDirectory: instance.getOptionalString('rulesDirectory'),
          rulesUrl: readRulesUrl(instance, index),
          tenant: instance.getOptionalString('tenant'),
        }),
      ),
      timeoutMs: prometheus?.getOptionalNumber('timeoutMs') ?? 5000,
      rulesCacheTtlMs:
        prometheus?.getOptionalNumber('rulesCacheTtlMs') ?? 30_000,
      queryCacheTtlMs:
        prometheus?.getOptionalNumber('queryCacheTtlMs') ?? 10_000,
    },
    alertmanager: {
      instances: readInstances<AlertmanagerInstanceConfig>(
        alertmanager,
        () => ({}),
      ),
      stormThreshold: alertmanager?.getOptionalNumber('stormThreshold') ?? 20,
      cacheTtlMs: alertmanager?.getOptionalNumber('cacheTtlMs') ?? 10_000,
    },
    runbookCheck: {
      allowedHosts: (
        runbookCheck?.getOptionalStringArray('allowedHosts') ?? []
      ).map(h => h.toLocaleLowerCase('en-US')),
      timeoutMs: runbookCheck?.getOptionalNumber('timeoutMs') ?? 3000,
    },
    retry: {
      attempts,
      initialDelayMs:
        retry?.getOptionalNumber('initialDelayMs') ??
        DEFAULT_RETRY_POLICY.initialDelayMs,
      maxDelayMs:
        retry?.getOptionalNumber('maxDelayMs') ??
        DEFAULT_RETRY_POLICY.maxDelayMs,
      openCircuitMs: retry?.getOptionalNumber('openCircuitMs') ?? 30_000,
    },
    outbound: {
      maxResponseBytes: positive(
        'outbound.maxResponseBytes',
        DEFAULT_MAX_RESPONSE_BYTES,
      ),
    },
    view: { deadlineMs: positive('view.deadlineMs', DEFAULT_VIEW_DEADLINE_MS) },
    apply: {
      promtoolPath: root?.getOptionalString('apply.promtoolPath') ?? 'promtool',
    },
    catalogCacheTtlMs: root?.getOptionalNumber('catalogCacheTtlMs') ?? 10_000,
    ruleTargets: readRuleTargets(
      root,
      options.ruleTargetKinds ?? builtInRuleTargetKinds,
    ),
  };
}

/**
 * `observability.ruleTargets`: a name and a type, the type's own options
 * beside them. Checked here so a typo stops the start, naming the key.
 */
function readRuleTargets(
  root: Config | undefined,
  kinds: readonly RuleTargetKind[] | 'unchecked',
): RuleTargetConfig[] {
  const names = new Set<string>();
  return (root?.getOptionalConfigArray('ruleTargets') ?? []).map(
    (entry, index) => {
      const key = `observability.ruleTargets[${index}]`;
      const {
        name: _name,
        type: _type,
        owners: _owners,
        ...options
      } = entry.get<Record<string, unknown>>();
      const owners = readOwners(entry, key);
      const target: RuleTargetConfig = {
        name: entry.getString('name'),
        type: entry.getString('type'),
        options,
        ...(owners ? { owners } : {}),
      };
      if (names.has(target.name)) {
        throw new Error(
          `${key}.name '${target.name}' is used by another rule target`,
        );
      }
      names.add(target.name);
      if (kinds !== 'unchecked') parseRuleTarget(target, key, kinds);
      return target;
    },
  );
}

/** A target's `owners` as full group refs (`team-a` → `group:default/team-a`), naming a bad one by its key. */
function readOwners(entry: Config, key: string): string[] | undefined {
  const owners = entry.getOptionalStringArray('owners');
  return owners?.map((owner, i) => {
    try {
      return stringifyEntityRef(
        parseEntityRef(owner, {
          defaultKind: 'group',
          defaultNamespace: 'default',
        }),
      );
    } catch {
      throw new Error(`${key}.owners[${i}] is not an entity ref`);
    }
  });
}

/** `rulesUrl` without a trailing slash, or undefined; a value that is not an http(s) URL stops the start, naming the key. */
function readRulesUrl(instance: Config, index: number): string | undefined {
  const value = instance.getOptionalString('rulesUrl');
  if (value === undefined) return undefined;
  if (!isHttpUrl(value)) {
    throw new Error(
      `observability.prometheus.instances[${index}].rulesUrl must be an http(s) URL`,
    );
  }
  return value.replace(/\/+$/, '');
}

/** Picks the instance an entity names, else the default, else the first. @public */
export function selectInstance<T extends { name: string; default: boolean }>(
  instances: T[],
  requested: string | undefined,
): { instance?: T; reason?: string } {
  if (requested) {
    const instance = instances.find(i => i.name === requested);
    return instance
      ? { instance }
      : {
          reason: `instance '${requested}' named by the entity is not configured (configured: ${
            instances.map(i => i.name).join(', ') || 'none'
          })`,
        };
  }
  const instance = instances.find(i => i.default) ?? instances[0];
  return instance ? { instance } : { reason: 'no instance is configured' };
}

function withoutUndefined<T extends Record<string, unknown>>(
  value: T,
): Partial<{
  [K in keyof T]: Exclude<T[K], undefined>;
}> {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as Partial<{ [K in keyof T]: Exclude<T[K], undefined> }>;
}
