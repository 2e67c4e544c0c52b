/**
 * OpenSLO documents -> the SLO fields of a spec, as `redline.dev/slo-*`
 * would set them. Redline generates rules for two SLIs over its own request
 * metrics, one window per entity, and its own burn-rate tiers; whatever a
 * document says beyond that becomes a finding naming the document, so a
 * team sees what its OpenSLO asks for that the generated rules do not do.
 */
import { roundNumber } from '../spec/annotationSchemas';
import type { Finding, SloWindow } from '../spec/types';
import { formatNumber } from '../generate/escape';
import { checkAlertPolicies } from './alertPolicies';
import { ImportContext, type OpenSloTarget } from './importContext';
import type { OpenSloDocument, OpenSloOf } from './schema';
import { recognise, resolveSli } from './recogniseSli';
import { readTimeWindow } from './timeWindow';

export type { OpenSloTarget } from './importContext';

/** One SLO Redline will generate rules for. @public */
export interface ImportedSlo {
  slo: 'availability' | 'latency';
  objectivePercent: number;
  thresholdSeconds?: number;
  /** Name of the OpenSLO SLO document it came from. */
  source: string;
}

/** @public */
export interface OpenSloImport {
  slos: ImportedSlo[];
  /** The compliance window of the first SLO read; undefined when none was. */
  window?: SloWindow;
  findings: Finding[];
}

function readObjective(
  ctx: ImportContext,
  slo: OpenSloOf<'SLO'>,
  thresholdMetric: boolean,
): number | undefined {
  const name = slo.metadata.name;
  const [objective, ...others] = slo.spec.objectives;
  if (others.length > 0)
    ctx.note(
      'openslo.objective-unsupported',
      'warning',
      `SLO "${name}" has ${slo.spec.objectives.length} objectives; Redline generates one objective per SLI and used the first.`,
    );
  if (
    !thresholdMetric &&
    (objective.op !== undefined || objective.value !== undefined)
  )
    ctx.note(
      'openslo.objective-unsupported',
      'warning',
      `SLO "${name}": op and value compare a thresholdMetric; they do not apply to a ratio SLI and were not used.`,
    );
  const percent =
    objective.targetPercent ?? roundNumber((objective.target ?? 0) * 100);
  if (!(percent > 0 && percent < 100)) {
    ctx.note(
      'openslo.objective-unsupported',
      'error',
      `SLO "${name}": an objective of ${formatNumber(
        percent,
      )} % leaves no error budget to alert on; no rules were generated for it.`,
    );
    return undefined;
  }
  return percent;
}

function readSlo(
  ctx: ImportContext,
  slo: OpenSloOf<'SLO'>,
  taken: Set<string>,
): ImportedSlo | undefined {
  const name = slo.metadata.name;
  // Every reason is reported, not only the first, so one edit fixes them all.
  const problems: string[] = [];
  if (
    slo.spec.objectives.some(
      o => o.indicator || o.indicatorRef || o.compositeWeight !== undefined,
    )
  )
    problems.push(
      'composite SLOs (an indicator per objective) are not generated',
    );
  const method = slo.spec.budgetingMethod;
  if (method === undefined)
    ctx.note(
      'openslo.budgeting-method-missing',
      'warning',
      `SLO "${name}" has no budgetingMethod (the specification requires one); it is read as Occurrences.`,
    );
  else if (method !== 'Occurrences')
    problems.push(
      `budgetingMethod ${method} counts good time slices, while Redline's rules count good requests (Occurrences)`,
    );
  if (slo.spec.service !== ctx.target.serviceName)
    ctx.note(
      'openslo.service-differs',
      'info',
      `SLO "${name}" belongs to service "${slo.spec.service}"; its rules are generated for this entity's service "${ctx.target.serviceName}".`,
      slo.spec.service,
    );
  const sli =
    slo.spec.indicator || slo.spec.indicatorRef
      ? resolveSli(ctx, slo)
      : undefined;
  const kind = sli ? recognise(ctx, sli) : undefined;
  if (sli && kind && 'problem' in kind)
    problems.push(
      `SLI "${sli.name}" cannot drive generated rules: ${kind.problem}`,
    );
  const objectivePercent = readObjective(
    ctx,
    slo,
    sli?.spec.thresholdMetric !== undefined,
  );
  for (const problem of problems)
    ctx.note(
      'openslo.slo-unsupported',
      'error',
      `SLO "${name}": ${problem}. No rules were generated for it.`,
    );
  if (
    problems.length > 0 ||
    !kind ||
    'problem' in kind ||
    objectivePercent === undefined
  )
    return undefined;
  if (taken.has(kind.slo)) {
    ctx.note(
      'openslo.slo-unsupported',
      'warning',
      `SLO "${name}": a second ${kind.slo} SLO; Redline generates one per entity and kept the first.`,
    );
    return undefined;
  }
  taken.add(kind.slo);
  return { ...kind, objectivePercent, source: name };
}

function reportUnused(ctx: ImportContext): void {
  for (const kind of [
    'SLI',
    'AlertPolicy',
    'AlertCondition',
    'DataSource',
  ] as const) {
    for (const d of ctx.all(kind)) {
      if (!ctx.used.has(`${kind}/${d.metadata.name}`))
        ctx.note(
          'openslo.unused',
          'info',
          `${kind} "${d.metadata.name}" is not used by any SLO Redline generates rules for, so nothing is generated from it.`,
        );
    }
  }
  for (const kind of [
    'DataSource',
    'Service',
    'SLI',
    'AlertPolicy',
    'AlertCondition',
    'AlertNotificationTarget',
    'SLO',
  ] as const) {
    for (const d of ctx.all(kind)) {
      if (d.metadata.labels && Object.keys(d.metadata.labels).length > 0)
        ctx.note(
          'openslo.labels-unsupported',
          'info',
          `${kind} "${d.metadata.name}" has labels; they are not carried into the generated rules.`,
        );
    }
  }
  for (const d of ctx.all('DataSource')) {
    if (Object.keys(d.spec.connectionDetails).length > 0)
      ctx.note(
        'openslo.datasource-unsupported',
        'info',
        `DataSource "${d.metadata.name}": connectionDetails are not used; Redline queries the Prometheus instance named by redline.dev/prometheus-instance.`,
      );
  }
}

/**
 * Reads the SLOs Redline can generate rules for out of validated OpenSLO
 * documents; everything else is a finding. Never throws.
 * @public
 */
export function importOpenSlo(
  documents: readonly OpenSloDocument[],
  target: OpenSloTarget,
): OpenSloImport {
  const ctx = new ImportContext(documents, target);
  const slos: ImportedSlo[] = [];
  const taken = new Set<string>();
  let window: SloWindow | undefined;
  let windowDays = 30;
  for (const slo of ctx.all('SLO')) {
    const read = readTimeWindow(slo.spec.timeWindow?.[0]);
    for (const problem of read.problems)
      ctx.note(
        'openslo.time-window-unsupported',
        'warning',
        `SLO "${slo.metadata.name}": ${problem}`,
      );
    const imported = readSlo(ctx, slo, taken);
    if (!imported) continue;
    if (window === undefined) {
      window = read.window;
      windowDays = read.windowDays;
    } else if (JSON.stringify(window) !== JSON.stringify(read.window)) {
      ctx.note(
        'openslo.time-window-unsupported',
        'warning',
        `SLO "${slo.metadata.name}" has another time window than the first SLO; Redline keeps one window per entity and uses the first.`,
      );
    }
    checkAlertPolicies(ctx, slo, imported.objectivePercent, windowDays);
    slos.push(imported);
  }
  if (ctx.all('SLO').length === 0)
    ctx.note(
      'openslo.no-slo',
      'warning',
      'The OpenSLO documents declare no SLO, so no SLO rules are generated.',
    );
  reportUnused(ctx);
  return { slos, ...(window ? { window } : {}), findings: ctx.findings };
}
