/**
 * The generator settings of a Backstage `app-config.yaml`, so the CLI
 * generates and matches exactly what the portal configured with the same
 * file does. Defaults and name validation are `-common`'s
 * (`resolveGeneratorConfig`, `findMetricNameProblems`), the same the backend
 * applies; only the reading of the file is the CLI's own.
 */
import { readFileSync } from 'node:fs';
import {
  findMetricNameProblems,
  GeneratorConfig,
  MetricNames,
  resolveGeneratorConfig,
} from '@redline/backstage-plugin-observability-common';
import { parseAllDocuments } from 'yaml';
import { messageOf } from './io';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Backstage's rule for several config files: later files win, key by key. */
function merge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(over)) {
    out[key] =
      isObject(value) && isObject(out[key])
        ? merge(out[key] as Json, value)
        : value;
  }
  return out;
}

function readYamlObject(file: string): Json {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read config file ${file} (${messageOf(error)})`);
  }
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  let merged: Json = {};
  for (const doc of list) {
    const [error] = doc.errors;
    if (error) {
      const pos = error.linePos?.[0];
      const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
      throw new Error(
        `${where}: invalid YAML: ${error.message.split('\n')[0]}`,
      );
    }
    const value = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue;
    if (!isObject(value))
      throw new Error(`${file}: an app-config file must hold a mapping`);
    merged = merge(merged, value);
  }
  return merged;
}

function at(root: Json, path: string): unknown {
  let value: unknown = root;
  for (const key of path.split('.')) {
    if (!isObject(value)) return undefined;
    value = value[key];
  }
  return value;
}

function optionalString(root: Json, path: string): string | undefined {
  const value = at(root, path);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw new Error(`${path} must be a string, got ${JSON.stringify(value)}`);
  return value;
}

function optionalStrings(root: Json, path: string): string[] | undefined {
  const value = at(root, path);
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every(v => typeof v === 'string'))
    throw new Error(
      `${path} must be a list of strings, got ${JSON.stringify(value)}`,
    );
  return value;
}

function optionalNumbers(root: Json, path: string): number[] | undefined {
  const value = at(root, path);
  if (value === undefined || value === null) return undefined;
  if (
    !Array.isArray(value) ||
    !value.every(v => typeof v === 'number' && Number.isFinite(v))
  )
    throw new Error(
      `${path} must be a list of numbers, got ${JSON.stringify(value)}`,
    );
  return value;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}

/**
 * The generator config of one or more app-config files (later ones override
 * earlier ones), read as the backend reads `observability.*`: the metric
 * names, `portalBaseUrl` (else `app.baseUrl`), the Alertmanager timings and
 * the alert webhook allow-list.
 * Throws a message for people when a file cannot be read or a value is
 * wrong; like the backend, an invalid metric or label name is refused rather
 * than replaced by the default, which would make the generated rules and the
 * checks disagree about the label.
 */
export function readGeneratorConfig(files: string[]): GeneratorConfig {
  const root = files.map(readYamlObject).reduce(merge, {});
  const metrics: Partial<MetricNames> = definedOnly({
    requestsTotal: optionalString(root, 'observability.metrics.requestsTotal'),
    statusLabel: optionalString(root, 'observability.metrics.statusLabel'),
    durationHistogram: optionalString(
      root,
      'observability.metrics.durationHistogram',
    ),
    serviceLabel: optionalString(root, 'observability.metrics.serviceLabel'),
    histogramBuckets: optionalNumbers(
      root,
      'observability.metrics.histogramBuckets',
    ),
  });
  const [badName] = findMetricNameProblems(metrics);
  if (badName) {
    throw new Error(
      `observability.metrics.${badName.key} must be a Prometheus ${
        badName.kind
      } name (${badName.expected}), got ${JSON.stringify(badName.value)}`,
    );
  }
  return resolveGeneratorConfig({
    portalBaseUrl:
      optionalString(root, 'observability.portalBaseUrl') ??
      optionalString(root, 'app.baseUrl'),
    metrics,
    alertmanager: definedOnly({
      groupWait: optionalString(root, 'observability.alertmanager.groupWait'),
      groupInterval: optionalString(
        root,
        'observability.alertmanager.groupInterval',
      ),
      repeatInterval: optionalString(
        root,
        'observability.alertmanager.repeatInterval',
      ),
    }),
    alertWebhook: {
      allowedHosts: optionalStrings(
        root,
        'observability.alertWebhook.allowedHosts',
      ),
    },
  });
}
