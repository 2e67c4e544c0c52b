/**
 * `redline budget`'s text report: per Component, each SLO's figures and
 * the gate's verdict, the numbers spelled as the gate's messages spell them.
 */
import {
  describeObjective,
  describeRemaining,
  type BudgetGateResult,
  type EntitySloResponse,
  type SloStatus,
} from '@redline/backstage-plugin-observability-common';

const burn = (n: number | null) => (n === null ? 'no data' : n.toFixed(2));

/** `3.2 days`, `5.0 h`, `12 min`: how long until the budget is spent. */
function duration(seconds: number): string {
  if (seconds >= 2 * 86_400) return `${(seconds / 86_400).toFixed(1)} days`;
  if (seconds >= 2 * 3600) return `${(seconds / 3600).toFixed(1)} h`;
  return `${Math.round(seconds / 60)} min`;
}

function figures(s: SloStatus): string {
  const attainment =
    s.attainmentPercent === null
      ? 'no data'
      : `${s.attainmentPercent.toFixed(3)} %`;
  const total =
    s.budget.totalRequests === null
      ? ''
      : ` of ${Math.round(s.budget.totalRequests)} requests`;
  const spentIn =
    s.exhaustedInSeconds !== null && s.exhaustedInSeconds > 0
      ? `, spent in ${duration(s.exhaustedInSeconds)} at the 1 h rate`
      : '';
  return `attainment ${attainment}${total}, budget ${describeRemaining(
    s,
  )}, burn rate 1h ${burn(s.burnRate.h1)} / 6h ${burn(
    s.burnRate.h6,
  )}${spentIn}`;
}

const MARK = { pass: 'PASS', fail: 'FAIL', 'no-data': 'NO DATA' } as const;

/** The lines of one Component. */
export function formatBudgetReport(
  response: EntitySloResponse,
  result: BudgetGateResult,
): string[] {
  const lines = [`${response.entityRef}:`];
  if (result.prometheusError) lines.push(`  ${result.prometheusError}`);
  if (response.slos.length === 0)
    lines.push(
      '  NO DATA: no SLO declared (redline.dev/slo-* annotations); nothing to gate',
    );
  for (const s of response.slos) {
    const verdict = result.verdicts.find(v => v.slo === s.slo);
    lines.push(
      `  ${s.slo} ${describeObjective(s)}: ${s.health}`,
      `    ${figures(s)}`,
    );
    if (s.reason) lines.push(`    note: ${s.reason}`);
    if (verdict) lines.push(`    ${MARK[verdict.outcome]}: ${verdict.detail}`);
  }
  lines.push('');
  return lines;
}
