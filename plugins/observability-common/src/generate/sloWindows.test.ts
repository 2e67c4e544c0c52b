/**
 * SLO windows other than the default 30 days: burn factors scaled the way
 * Sloth scales them, period series named after the window, window-aware
 * texts, and the error-budget-exhausted ticket with its runbook and routing.
 * The promtool proof of the timings is in `sloWindows.promtool.test.ts`.
 */
import { DEFAULT_GENERATOR_CONFIG } from '../spec/config';
import type { SloSpec, SloWindow } from '../spec/types';
import { generateAlertmanagerFragment } from './alertmanager';
import { generateArtifacts } from './generateArtifacts';
import { generateGrafanaDashboard } from './grafanaDashboard';
import { BURN_TIERS, burnFactor } from './sloRules';
import type { AlertingRule, GeneratedAlert, RecordingRule } from './types';
import { makeSpec } from './__testUtils__/makeSpec';

const config = DEFAULT_GENERATOR_CONFIG;

function slo(window: SloWindow, windowDays: number): SloSpec {
  return {
    slo: 'availability',
    objectivePercent: 99.9,
    windowDays,
    window,
    annotation: 'redline.dev/slo-availability',
  };
}

const WINDOWS: Record<string, { window: SloWindow; days: number }> = {
  '7d': { window: { type: 'rolling', days: 7 }, days: 7 },
  '28d': { window: { type: 'rolling', days: 28 }, days: 28 },
  '30d': { window: { type: 'rolling', days: 30 }, days: 30 },
  month: { window: { type: 'calendar', period: 'month' }, days: 30 },
  week: { window: { type: 'calendar', period: 'week' }, days: 7 },
};

function generated(name: keyof typeof WINDOWS) {
  const { window, days } = WINDOWS[name];
  const artifacts = generateArtifacts(
    makeSpec({ slos: [slo(window, days)] }),
    config,
  );
  const group = artifacts.rules.groups.find(g =>
    g.name.endsWith(':slo:availability'),
  )!;
  const records = group.rules.filter((r): r is RecordingRule => 'record' in r);
  const alertRules = group.rules.filter((r): r is AlertingRule => 'alert' in r);
  const alert = (key: string): GeneratedAlert => {
    const found = artifacts.alerts.find(a => a.key === key);
    if (!found) throw new Error(`no alert ${key}`);
    return found;
  };
  return { artifacts, records, alertRules, alert };
}

describe('burnFactor', () => {
  const factors = (days: number) => BURN_TIERS.map(t => burnFactor(t, days));

  it('is the workbook’s 14.4/6/3/1 at 30 days, exactly', () => {
    expect(factors(30)).toEqual([14.4, 6, 3, 1]);
    // The formula itself agrees, so 30 days is no special case in substance.
    expect(
      BURN_TIERS.map(t =>
        Number(
          (((t.budgetPercent / 100) * 30 * 24) / t.longWindowHours).toFixed(9),
        ),
      ),
    ).toEqual([14.4, 6, 3, 1]);
  });

  it('spends the same share of a 28- or 7-day budget over the same alert windows', () => {
    expect(factors(28)).toEqual([13.44, 5.6, 2.8, 1]);
    expect(factors(7)).toEqual([3.36, 1.4, 1, 1]);
  });
});

describe('SLO rules per window', () => {
  it.each([
    ['7d', '7d', 7],
    ['28d', '28d', 28],
    ['month', '30d', 30],
    ['week', '7d', 7],
  ] as const)(
    '%s records its period ratio as ratio_rate%s over %i days',
    (name, period, days) => {
      const { records } = generated(name);
      const byName = new Map(records.map(r => [r.record, r.expr]));
      expect(byName.get(`slo:sli_error:ratio_rate${period}`)).toBe(
        `avg_over_time(slo:sli_error:ratio_rate5m{service="checkout",slo="availability"}[${period}])`,
      );
      expect(byName.get('slo:time_period:days')).toBe(`vector(${days})`);
      expect(byName.get('slo:period_burn_rate:ratio')).toBe(
        `slo:sli_error:ratio_rate${period}{service="checkout",slo="availability"} / 0.001`,
      );
      // No other period window is recorded next to it.
      const periods = records
        .map(r => r.record)
        .filter(r => /ratio_rate\d+d$/.test(r))
        .filter(r => !['1d', '3d'].some(w => r.endsWith(w)));
      expect(periods).toEqual([`slo:sli_error:ratio_rate${period}`]);
    },
  );

  // Budget share each tier spends: the workbook's 2/5/10/10 %, more where
  // a factor under 1 was raised to 1.
  it.each([
    ['7d', [3.36, 1.4, 1, 1], [2, 5, 14.3, 42.9]],
    ['28d', [13.44, 5.6, 2.8, 1], [2, 5, 10, 10.7]],
    ['month', [14.4, 6, 3, 1], [2, 5, 10, 10]],
    ['week', [3.36, 1.4, 1, 1], [2, 5, 14.3, 42.9]],
  ] as const)('%s burns at factors %j', (name, expected, spends) => {
    const { alert } = generated(name);
    BURN_TIERS.forEach((tier, i) => {
      const a = alert(`SLOErrorBudgetBurn:availability:${tier.burnWindow}`);
      expect(a.expr).toBe(
        `slo:sli_error:ratio_rate${tier.longWindow}{service="checkout",slo="availability"} > (${expected[i]} * 0.001)\nand\nslo:sli_error:ratio_rate${tier.shortWindow}{service="checkout",slo="availability"} > (${expected[i]} * 0.001)`,
      );
      expect(a.annotations.summary).toContain(`${expected[i]}× too fast`);
      expect(a.annotations.description).toContain(
        `Sustained over ${tier.longWindow}, that spends ${spends[i]} % of the budget.`,
      );
    });
  });

  it('names the window in the burn alerts’ words', () => {
    const fast = (name: keyof typeof WINDOWS) =>
      generated(name).alert('SLOErrorBudgetBurn:availability:fast').annotations
        .description;
    expect(fast('28d')).toContain(
      'objective of checkout over 28 days. At this rate the whole budget is gone in 2.1 days.',
    );
    expect(fast('month')).toContain(
      'objective of checkout over the calendar month (UTC). At this rate',
    );
    expect(fast('week')).toContain(
      'objective of checkout over the calendar week (UTC, from Monday). At this rate',
    );
  });

  it('keeps the default window’s burn alerts as they always were', () => {
    const a = generated('30d').alert('SLOErrorBudgetBurn:availability:fast');
    expect(a.expr).toBe(
      'slo:sli_error:ratio_rate1h{service="checkout",slo="availability"} > (14.4 * 0.001)\nand\nslo:sli_error:ratio_rate5m{service="checkout",slo="availability"} > (14.4 * 0.001)',
    );
    expect(a.annotations.description).toBe(
      'Over the last 1h, the share of requests answered with a 5xx was {{ $value | humanizePercentage }} (and it is still above the limit over the last 5m): 14.4× the 0.1 % error budget of the 99.9 % availability objective of checkout over 30 days. At this rate the whole budget is gone in 2.1 days.',
    );
  });

  it('still leaves out a tier no error ratio can exceed, with the scaled factor in the finding', () => {
    // 28 days: 13.44 × 10 % budget ≥ 100 %, while 5.6 × 10 % is not.
    const { artifacts } = (() => {
      const spec = makeSpec({
        slos: [{ ...slo(WINDOWS['28d'].window, 28), objectivePercent: 90 }],
      });
      return { artifacts: generateArtifacts(spec, config) };
    })();
    const skipped = artifacts.findings.filter(f => f.id === 'slo.tier-skipped');
    expect(skipped.map(f => f.message)).toEqual([
      'The fast burn-rate alert of the availability SLO was left out: 13.44 × the 10 % budget is 134.4 % errors, which can never be exceeded.',
    ]);
    expect(
      artifacts.alerts.filter(a => a.name === 'SLOErrorBudgetBurn'),
    ).toHaveLength(3);
  });
});

describe('SLOErrorBudgetExhausted', () => {
  it.each([
    ['30d', '30d', '30 days', 'the last 30 days'],
    ['7d', '7d', '7 days', 'the last 7 days'],
    ['28d', '28d', '28 days', 'the last 28 days'],
    ['month', '30d', 'the calendar month (UTC)', 'the calendar month (UTC)'],
  ] as const)(
    '%s: a ticket once the %s error ratio reaches the budget',
    (name, period, words, budgetOf) => {
      const { alert, alertRules } = generated(name);
      const a = alert('SLOErrorBudgetExhausted:availability');
      expect(a).toMatchObject({
        name: 'SLOErrorBudgetExhausted',
        severity: 'warning',
        for: '5m',
        expr: `slo:sli_error:ratio_rate${period}{service="checkout",slo="availability"} >= 0.001`,
        labels: {
          severity: 'warning',
          service: 'checkout',
          team: 'payments',
          slo: 'availability',
        },
        runbookPath: 'runbooks/SLOErrorBudgetExhausted.md',
      });
      expect(a.annotations.summary).toBe(
        `checkout has spent its whole availability error budget of ${budgetOf}`,
      );
      expect(a.annotations.description).toContain(
        `was {{ $value | humanizePercentage }}: at or above the 0.1 % error budget of the 99.9 % availability objective of checkout over ${words}, so the objective is missed.`,
      );
      expect(Object.keys(a.annotations)).toEqual([
        'summary',
        'description',
        'runbook_url',
        'dashboard_url',
      ]);
      // After the burn alerts, before the absent alert: the burn alerts' order is unchanged.
      expect(alertRules.map(r => r.alert)).toEqual([
        'SLOErrorBudgetBurn',
        'SLOErrorBudgetBurn',
        'SLOErrorBudgetBurn',
        'SLOErrorBudgetBurn',
        'SLOErrorBudgetExhausted',
        'SLOMetricAbsent',
      ]);
    },
  );

  it('says a calendar window’s alert reads the trailing nominal length', () => {
    const a = generated('month').alert('SLOErrorBudgetExhausted:availability');
    expect(a.annotations.description).toMatch(
      /^Over the last 30 days \(measured over the trailing 30 days, the nominal length of the calendar month \(UTC\); the SLO tab shows the budget since the window started\), /,
    );
  });

  it('has a runbook with the seed’s sections, naming the window', () => {
    const { artifacts } = generated('month');
    const runbook = artifacts.runbooks.find(
      r => r.alert === 'SLOErrorBudgetExhausted',
    )!;
    expect(runbook.path).toBe('runbooks/SLOErrorBudgetExhausted.md');
    const headings = runbook.markdown
      .split('\n')
      .filter(l => /^#{1,6}\s/.test(l));
    expect(headings).toEqual([
      '# SLOErrorBudgetExhausted — checkout',
      '## Meaning',
      '## Impact',
      '## Diagnosis',
      '## Mitigation',
      '## Escalation',
    ]);
    expect(runbook.markdown).toContain('error-budget policy');
    expect(runbook.markdown).toContain(
      'answered without a 5xx, over the calendar month \\(UTC\\).',
    );
    const burn = artifacts.runbooks.find(
      r => r.alert === 'SLOErrorBudgetBurn',
    )!;
    expect(burn.markdown).toContain(
      '`fast` means the budget of the calendar month \\(UTC\\) is gone within about two days.',
    );
    expect(
      generated('30d').artifacts.runbooks.find(
        r => r.alert === 'SLOErrorBudgetBurn',
      )!.markdown,
    ).toContain(
      '`fast` means the monthly budget is gone within about two days.',
    );
  });

  it('goes to the ticket receiver and is never silenced by, nor silences, a burn alert', () => {
    const { fragment } = generateAlertmanagerFragment(
      makeSpec({ slos: [slo(WINDOWS['7d'].window, 7)] }),
      config,
    );
    // Only severity="critical" is routed to the pager.
    expect(fragment.route.receiver).toBe('payments-ticket');
    expect(fragment.route.routes).toEqual([
      {
        receiver: 'payments-pager',
        matchers: ['severity="critical"'],
      },
    ]);
    for (const rule of fragment.inhibit_rules) {
      expect(rule.source_matchers).toContain('alertname="SLOErrorBudgetBurn"');
      expect(rule.target_matchers).toContain('alertname="SLOErrorBudgetBurn"');
    }
  });
});

describe('dashboard per window', () => {
  const description = (name: keyof typeof WINDOWS) => {
    const { window, days } = WINDOWS[name];
    return JSON.stringify(
      generateGrafanaDashboard(makeSpec({ slos: [slo(window, days)] }), config),
    );
  };

  it('names the window of the budget panel', () => {
    expect(description('28d')).toContain(
      'Share of the 28-day error budget not yet spent.',
    );
    expect(description('week')).toContain(
      'Share of the error budget of the calendar week (UTC, from Monday) not yet spent, over the trailing 7 days (its nominal length)',
    );
  });
});
