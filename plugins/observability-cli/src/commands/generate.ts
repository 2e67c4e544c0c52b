/**
 * `redline generate <catalog-info.yaml or folder> --out <dir> [--base-url URL]`
 *
 * Writes, per Component, `<dir>/<service>/` (`<dir>/<namespace>-<service>/`
 * outside the default namespace) with the same files the portal's download
 * button hands out, and `<dir>/alertmanager/` with the one
 * Alertmanager config for the whole catalog (and one per team). Findings,
 * including entities that collide in Prometheus, are printed; a file that cannot be read or parsed stops the run with exit code
 * 1 before anything is written.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import {
  buildCatalogAlertmanagerConfig,
  CatalogFinding,
  describeEntity,
  EntityAlertmanagerFragment,
  Finding,
  findSelectorCollisions,
  ObservabilitySpec,
  isHttpUrl,
  renderCatalogAlertmanagerYaml,
  resolveGeneratorConfig,
  scopedServiceName,
  shortHash,
} from '@redline/backstage-plugin-observability-common';
import { readCatalog } from '../catalogFiles';
import { parseCommandArgs, usageError } from '../commandArgs';
import { generateOpenSlo } from './generateOpenSlo';
import { CliIo, messageOf, processIo } from '../io';

export const GENERATE_USAGE = `Usage: redline generate <catalog-info.yaml | folder> --out <dir> [--base-url <url>] [--format artifacts|openslo]

Generates, for every Component in the catalog file(s), into <dir>/<service>/
(<dir>/<namespace>-<service>/ outside the default namespace):
  prometheus-rules.yaml      RED recording rules and alerts, SLO burn-rate rules
  prometheus-rule.crd.yaml   the same rules as a prometheus-operator PrometheusRule
  alertmanager.yaml          this service's routing alone (not to be concatenated)
  grafana-dashboard.json     RED dashboard with thresholds and error budget
  runbooks/<Alert>.md        one runbook per alert
  observability.json         the output object (design, configuration, alerts, runbooks, confidence)
  otel-collector.yaml        OpenTelemetry Collector traces pipeline
  loki-rules.yaml            log-based fallback alert (when a log selector is declared)

and, for the whole catalog, into <dir>/alertmanager/:
  alertmanager.yaml          the one Alertmanager config: every team's route, receivers merged
  teams/<team>.yaml          the same for one team

With --format openslo, writes instead, for every Component with an SLO:
  <dir>/<service>/openslo.yaml   its SLOs as OpenSLO v1 documents (Service, SLI,
                                 SLO, AlertPolicy/AlertCondition per burn-rate alert)

Options:
  -o, --out <dir>        output folder (created if missing)
      --base-url <url>   portal base URL for runbook links (default http://localhost:3000)
      --format <format>  artifacts (default) or openslo
  -q, --quiet            print only errors and the summary
  -h, --help             show this help`;

const GENERATE = { name: 'generate', usage: GENERATE_USAGE };

/** Folder of the catalog-level Alertmanager files, beside the services' folders. */
const ALERTMANAGER_DIR = 'alertmanager';

/** A file or folder name: path-safe, and unique within the run. */
function folderName(
  service: string,
  uniqueKey: string,
  used: Set<string>,
): string {
  let name =
    service.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '') ||
    'service';
  if (used.has(name.toLowerCase())) name = `${name}-${shortHash(uniqueKey)}`;
  used.add(name.toLowerCase());
  return name;
}

function formatFinding(f: Finding): string {
  const where = f.annotation ? ` (${f.annotation})` : '';
  const value =
    f.value !== undefined ? ` [value: ${JSON.stringify(f.value)}]` : '';
  return `    ${f.severity.padEnd(7)} ${f.id}${where}: ${f.message}${value}`;
}

/**
 * Writes the catalog's Alertmanager config and one per team; returns the
 * number of catalog-level findings.
 */
function writeCatalogAlertmanager(
  dir: string,
  fragments: EntityAlertmanagerFragment[],
  io: CliIo,
  quiet: boolean,
): number {
  const catalog = buildCatalogAlertmanagerConfig(fragments);
  if (catalog.teams.length === 0) return 0;
  mkdirSync(join(dir, 'teams'), { recursive: true });
  writeFileSync(
    join(dir, 'alertmanager.yaml'),
    renderCatalogAlertmanagerYaml(catalog),
  );
  const usedNames = new Set<string>();
  for (const team of catalog.teams) {
    const options = { team };
    writeFileSync(
      join(dir, 'teams', `${folderName(team, team, usedNames)}.yaml`),
      renderCatalogAlertmanagerYaml(
        buildCatalogAlertmanagerConfig(fragments, options),
        options,
      ),
    );
  }
  io.out(
    `✓ Alertmanager config for ${catalog.teams.length} teams → ${join(
      dir,
      'alertmanager.yaml',
    )} (one per team in ${join(dir, 'teams')})`,
  );
  printCatalogFindings(catalog.findings, io, quiet);
  return catalog.findings.length;
}

function printCatalogFindings(
  findings: readonly CatalogFinding[],
  io: CliIo,
  quiet: boolean,
): void {
  for (const finding of findings) {
    if (quiet && finding.severity !== 'error') continue;
    io.out(
      `${formatFinding(finding)} [entities: ${finding.entityRefs.join(', ')}]`,
    );
  }
}

/** Runs the command; returns the process exit code. */
export async function generateCommand(
  args: string[],
  io: CliIo = processIo,
): Promise<number> {
  const parsed = parseCommandArgs(io, GENERATE, args, {
    out: { type: 'string', short: 'o' },
    'base-url': { type: 'string' },
    format: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
  });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals.length !== 1)
    return usageError(io, GENERATE, 'give exactly one catalog file or folder');
  if (!values.out) return usageError(io, GENERATE, '--out <dir> is required');
  const baseUrl = values['base-url'];
  if (baseUrl !== undefined && !isHttpUrl(baseUrl)) {
    io.err(
      `redline generate: --base-url must be an http(s) URL, got ${JSON.stringify(
        baseUrl,
      )}`,
    );
    return 2;
  }

  const format = values.format ?? 'artifacts';
  if (format !== 'artifacts' && format !== 'openslo')
    return usageError(
      io,
      GENERATE,
      `--format must be artifacts or openslo, got ${JSON.stringify(format)}`,
    );

  const catalog = readCatalog(positionals[0]);
  if (catalog.errors.length > 0) {
    for (const error of catalog.errors) io.err(`error: ${error}`);
    io.err(
      `redline generate: the input could not be read; nothing was written.`,
    );
    return 1;
  }
  const components = catalog.entities.filter(
    e => e.entity.kind.toLowerCase() === 'component',
  );
  if (components.length === 0) {
    io.err(
      `redline generate: no Component entities in ${positionals[0]} (${catalog.entities.length} other entities in ${catalog.files.length} files); nothing was written.`,
    );
    return 1;
  }

  const config = resolveGeneratorConfig(
    baseUrl ? { portalBaseUrl: baseUrl } : undefined,
  );
  const outDir = resolve(values.out);
  // A service called "alertmanager" gets a suffixed folder instead.
  const used = new Set<string>([ALERTMANAGER_DIR]);
  if (format === 'openslo') {
    return generateOpenSlo({
      components,
      config,
      outDir,
      folderOf: (service, entityRef) => folderName(service, entityRef, used),
      io,
      quiet: values.quiet === true,
      formatFinding,
    });
  }
  const fragments: EntityAlertmanagerFragment[] = [];
  const described: Array<{ spec: ObservabilitySpec }> = [];
  let failed = 0;
  let findingsTotal = 0;
  for (const { entity, source } of components) {
    try {
      const { spec, artifacts } = describeEntity(entity, config);
      const folder = join(
        outDir,
        folderName(scopedServiceName(spec), spec.entityRef, used),
      );
      for (const file of artifacts.files) {
        const target = resolve(folder, file.path);
        if (!target.startsWith(folder + sep))
          throw new Error(`refusing to write outside ${folder}: ${file.path}`);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, file.content);
      }
      fragments.push(artifacts);
      described.push({ spec });
      findingsTotal += artifacts.findings.length;
      const design = artifacts.output.observability_design;
      io.out(
        `✓ ${spec.entityRef} → ${folder} (${artifacts.files.length} files, ${artifacts.alerts.length} alerts, ${design.level}, confidence ${artifacts.confidence.score})`,
      );
      const shown = values.quiet
        ? artifacts.findings.filter(f => f.severity === 'error')
        : artifacts.findings;
      for (const finding of shown) io.out(formatFinding(finding));
    } catch (error) {
      failed += 1;
      io.err(`error: ${source}: ${entity.metadata.name}: ${messageOf(error)}`);
    }
  }
  const collisions = findSelectorCollisions(described);
  if (collisions.length > 0)
    io.out(`Entities that collide in Prometheus (${collisions.length}):`);
  printCatalogFindings(collisions, io, values.quiet === true);
  findingsTotal += collisions.length;
  findingsTotal += writeCatalogAlertmanager(
    join(outDir, ALERTMANAGER_DIR),
    fragments,
    io,
    values.quiet === true,
  );
  io.out(
    `${components.length - failed} of ${
      components.length
    } components generated into ${outDir}; ${findingsTotal} findings.`,
  );
  return failed > 0 ? 1 : 0;
}
