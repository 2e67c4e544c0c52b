/**
 * The Observability tab's service health against true numbers: a real
 * Prometheus over 31 days of backfilled history that ends now (the kit in
 * test/support/backfilledPrometheus.ts), five Components pointing at it, and
 * browser scenarios that check the tab shows what the API computed from that
 * history. Expected values come from the API for the same entity; the API's
 * own figures are checked for plausibility against the history.
 *
 * `startSloHistory()` runs before the shared portal starts (run.mjs) and
 * gives the `extraConfig` that adds the catalog file and the `history`
 * Prometheus instance to the demo's own config.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { portalApi } from '../stack/portal-api.mjs';
import { repoRoot, requireTs } from '../stack/ts.mjs';
import { redlineAnswers, screenshot, signedInPage } from './browser.mjs';
import { readmeShot } from './readme.mjs';
import { coverageOfWholeCatalog } from './scenarios.mjs';

const { startBackfilledPrometheus } = requireTs(
  '../support/backfilledPrometheus.ts',
);
const { requireBinary } = requireTs('../support/binaries.ts');
// The tab's own formatting, so the expected text is what the UI prints.
const format = requireTs(
  '../../plugins/observability/src/components/SloOverview/format.ts',
);
const { meetingText } = requireTs(
  '../../plugins/observability/src/lib/sloAttainment.ts',
);
const { utcMinute, firingLabel } = requireTs(
  '../../plugins/observability/src/components/SloOverview/burnDown.ts',
);

const DAY = 86_400;
/**
 * Half-hourly samples keep promtool around 10 s for a month; the last 20
 * minutes are sampled every minute, so the RED "now" signals (5m rates) and
 * the 1 h burn rate have data while the SLO scenarios run, which they do
 * first, within minutes of the history's end.
 */
const STEP = 1800;
const FINE_TAIL = { seconds: 20 * 60, step: 60 };
const INSTANCE = 'history';
const OWNER = 'platform';
const AVAILABILITY = '99.9';

/** The histories, relative to `end` (Unix seconds, the current minute). */
function histories(end) {
  const burningFrom = end - 6 * 3600;
  return {
    // 0.01 % of a 0.1 % budget spent: 90 % left.
    'slo-healthy': { errorRatio: () => 0.0001 },
    // 0.01 % errors, then 2 % for the last 6 h: 1 h burn rate 20×, budget
    // left ≈ 1 − (29.75 × 0.0001 + 0.25 × 0.02) / 30 / 0.001 ≈ 73 %.
    'slo-burning': { errorRatio: t => (t > burningFrom ? 0.02 : 0.0001) },
    // 0.2 %: twice the budget, −100 % left.
    'slo-exhausted': { errorRatio: () => 0.002 },
    // Counters exist but never move: no traffic in the window.
    'slo-nodata': { errorRatio: () => null },
    // No SLO declared; 99.98 % achieved → proposes 99.95 %.
    'slo-suggest': { errorRatio: () => 0.0002 },
  };
}

function component(name, annotations) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      description: `SLO end-to-end fixture (${name}) over backfilled history.`,
      annotations: {
        'redline.dev/prometheus-instance': INSTANCE,
        ...annotations,
      },
    },
    spec: { type: 'service', lifecycle: 'experimental', owner: OWNER },
  };
}

/**
 * Starts the backfilled Prometheus and writes the catalog file. Returns
 * `undefined` (after requireBinary's loud message) when Prometheus is not
 * installed outside CI.
 */
export async function startSloHistory() {
  const prometheus = requireBinary('prometheus');
  const promtool = requireBinary('promtool');
  if (!prometheus || !promtool) return undefined;
  const end = Math.floor(Date.now() / 60_000) * 60;
  const steps = Math.ceil((31 * DAY) / STEP);
  const begin = end - steps * STEP;
  const alert = { from: end - 10 * DAY, to: end - 10 * DAY + 2 * 3600 };
  const started = Date.now();
  const server = await startBackfilledPrometheus(
    { prometheus, promtool },
    {
      begin,
      end,
      step: STEP,
      fineTail: FINE_TAIL,
      services: histories(end),
      alerts: [
        {
          labels: {
            alertname: 'SLOErrorBudgetBurn',
            burn_window: 'fast',
            service: 'slo-exhausted',
            severity: 'critical',
            slo: 'availability',
          },
          ...alert,
        },
      ],
    },
  );
  const startMs = Date.now() - started;

  const dir = mkdtempSync(join(tmpdir(), 'redline-slo-catalog-'));
  const catalogFile = join(dir, 'slo-components.yaml');
  const slo = { 'redline.dev/slo-availability': AVAILABILITY };
  writeFileSync(
    catalogFile,
    [
      component('slo-healthy', slo),
      component('slo-burning', slo),
      component('slo-exhausted', slo),
      component('slo-nodata', slo),
      component('slo-suggest', {}),
    ]
      .map(e => stringify(e))
      .join('---\n'),
  );

  // Config arrays replace, not merge: keep the demo's own locations and
  // instances and add ours.
  const appConfig = parse(
    readFileSync(join(repoRoot, 'app-config.yaml'), 'utf8'),
  );
  const extraConfig = {
    catalog: {
      locations: [
        ...(appConfig.catalog?.locations ?? []),
        { type: 'file', target: catalogFile },
      ],
    },
    observability: {
      prometheus: {
        instances: [
          ...(appConfig.observability?.prometheus?.instances ?? []),
          { name: INSTANCE, url: server.url, default: false },
        ],
      },
    },
  };
  console.log(
    `SLO history: Prometheus over 31 days to ${new Date(
      end * 1000,
    ).toISOString()} ready in ${(startMs / 1000).toFixed(1)} s ${JSON.stringify(
      server.timings,
    )}`,
  );
  return {
    url: server.url,
    end,
    alert,
    startMs,
    extraConfig,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function getJson(portal, path) {
  const res = await portalApi(portal.baseUrl, path, {
    token: await portal.token(),
  });
  return res;
}

/** The entity's SLO answer, once the catalog has ingested the fixture file. */
async function sloAnswer(portal, name) {
  const path = `/api/observability/entity/component/default/${name}/slos`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await getJson(portal, path);
    if (res.status === 200) return res.body;
    assert.ok(
      res.status === 404 && Date.now() < deadline,
      `GET ${path} answered ${res.status}`,
    );
    await new Promise(r => setTimeout(r, 1000));
  }
}

const viewDeadlineMs = () => {
  const config = parse(readFileSync(join(repoRoot, 'app-config.yaml'), 'utf8'));
  // DEFAULT_VIEW_DEADLINE_MS in the backend's services/config.ts.
  return config.observability?.view?.deadlineMs ?? 5000;
};

/** First meaningful paint of the tab, per entity, for the report. */
export const sloPaintTimes = {};

/**
 * Opens the tab and waits for the SLO table's first row. Returns the time
 * from navigation to that row being visible, to the entity page's header
 * (the catalog's part), and what each of Redline's API answers took from
 * request sent to last byte received (Resource Timing).
 */
async function openSloTab(page, portal, name) {
  const started = Date.now();
  await page.goto(
    `${portal.baseUrl}/catalog/default/component/${name}/observability`,
  );
  const header = page.getByRole('heading', { name, exact: true }).first();
  const table = page.getByRole('table', { name: 'Service-level objectives' });
  const row = table.getByRole('row', { name: 'Availability' });
  await header.waitFor({ state: 'visible', timeout: 60_000 });
  const headerMs = Date.now() - started;
  await row.waitFor({ state: 'visible', timeout: 60_000 });
  const paintMs = Date.now() - started;
  const answers = (await redlineAnswers(page)).map(a => ({
    ...a,
    label: a.path.split('/').at(-1) + a.search,
  }));
  return { row, paintMs, headerMs, answers };
}

/**
 * The API answer the page shows: asked before and after the page rendered,
 * the one evaluated in the minute the page's subheader names (the backend
 * evaluates at the current minute).
 */
async function answerShown(page, before, after) {
  const subheader = await page
    .getByText(/SLOs and RED signals, evaluated /)
    .first()
    .innerText();
  const match = [before, after].find(a =>
    subheader.includes(utcMinute(a.evaluatedAt)),
  );
  assert.ok(
    match,
    `the page's "${subheader}" matches neither API answer (${before.evaluatedAt}, ${after.evaluatedAt})`,
  );
  return match;
}

const HEALTH_LABEL = {
  meeting: 'Meeting',
  burning: 'Burning',
  exhausted: 'Exhausted',
  'no-data': 'No data',
};

/** The SLO row's cells read as the UI formats the API's numbers. */
async function expectRowMatches(row, status) {
  const cells = await row.locator('td').allInnerTexts();
  assert.equal(cells.length, 6, `six figures in the row, got ${cells}`);
  const firstLine = text => text.split('\n')[0].trim();
  const expected = [
    format.formatPercent(status.attainmentPercent, 2),
    format.formatPercent(status.budget.remainingPercent),
    format.formatBurnRate(status.burnRate.h1),
    format.formatBurnRate(status.burnRate.h6),
    format.formatDuration(status.exhaustedInSeconds),
    HEALTH_LABEL[status.health],
  ];
  const shown = cells.map(firstLine);
  assert.deepEqual(shown, expected, 'the row shows the API numbers');
  if (status.reason)
    assert.ok(
      cells[5].includes(status.reason),
      `the reason is shown: ${status.reason}`,
    );
  return shown;
}

/** What the run printed per state, for the report. */
export const sloShown = {};

function sloScenario(name, plausible, extra = async () => {}) {
  return async ({ browser, portal }) => {
    const before = await sloAnswer(portal, name);
    const page = await signedInPage(browser, portal.baseUrl);
    try {
      const { row, paintMs, headerMs, answers } = await openSloTab(
        page,
        portal,
        name,
      );
      sloPaintTimes[name] = paintMs;
      const deadline = viewDeadlineMs();
      const slowest = Math.max(...answers.map(a => a.ms));
      console.log(
        `  ${name}: SLO table first row visible ${paintMs} ms after navigation ` +
          `(entity header ${headerMs} ms); ` +
          `Redline's answers ${answers
            .map(a => `${a.label} ${a.ms} ms`)
            .join(', ')} (view deadline ${deadline} ms)`,
      );
      assert.ok(
        answers.some(a => a.path.endsWith(`/${name}/slos`)),
        `the tab asked for the SLO status: ${JSON.stringify(answers)}`,
      );
      // The deadline is what the backend promises: it stops waiting for
      // Prometheus then and answers with what it has. The paint around it is
      // the browser's and the catalog's, on a machine CI shares with two more
      // portals, so it is reported, not judged.
      assert.ok(
        slowest < deadline,
        `an API answer took ${slowest} ms ≥ the view deadline ${deadline} ms: ${JSON.stringify(
          answers,
        )}`,
      );
      const after = await sloAnswer(portal, name);
      const answer = await answerShown(page, before, after);
      assert.equal(
        answer.prometheus.status,
        'ok',
        'history Prometheus answers',
      );
      const status = answer.slos.find(s => s.slo === 'availability');
      assert.ok(status, 'an availability SLO');
      plausible(status);
      const shown = await expectRowMatches(row, status);
      sloShown[name] = shown;
      console.log(`  ${name}: ${shown.join(' | ')}`);

      const chart = page.getByRole('img', {
        name: /^Error budget burn-down for Availability/,
      });
      if (status.burnDown.some(p => p.remainingPercent !== null)) {
        await chart.waitFor({ timeout: 10_000 });
        const label = await chart.getAttribute('aria-label');
        // The chart's summary names the same headline number.
        assert.ok(
          label.includes(
            `${format.formatPercent(status.budget.remainingPercent)} remaining`,
          ),
          label,
        );
      }
      await extra({ page, status, chart });
      await page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(page, name, { fullPage: false });
      // The README shows the service health card: its SLO table and charts.
      await readmeShot(page, name, {
        frame: () =>
          // An InfoCard's title is a span, not a heading.
          page
            .getByText('Service health', { exact: true })
            .first()
            .evaluate(title =>
              title
                .closest('[class*="MuiCard-root"], [class*="MuiPaper-root"]')
                .scrollIntoView({ block: 'start' }),
            ),
      });
    } finally {
      await page.context().close();
    }
  };
}

const close = (actual, expected, tolerance, what) =>
  assert.ok(
    typeof actual === 'number' && Math.abs(actual - expected) <= tolerance,
    `${what}: ${actual}, expected ${expected} ± ${tolerance}`,
  );

const healthy = sloScenario('slo-healthy', s => {
  assert.equal(s.health, 'meeting');
  close(s.budget.remainingPercent, 90, 1, 'healthy budget left');
  close(s.burnRate.h1, 0.1, 0.01, 'healthy 1 h burn rate');
});

const burning = sloScenario('slo-burning', s => {
  assert.equal(s.health, 'burning');
  // (29.75 d × 0.01 % + 0.25 d × 2 %) / 30 d of a 0.1 % budget.
  const expected = 100 * (1 - (29.75 * 0.0001 + 0.25 * 0.02) / 30 / 0.001);
  close(s.budget.remainingPercent, expected, 1, 'burning budget left');
  close(s.burnRate.h1, 20, 0.5, 'burning 1 h burn rate');
  assert.ok(s.burnRate.h1 > 1, 'burns faster than the budget lasts');
  assert.ok(s.exhaustedInSeconds > 0, 'runs out in the future');
});

const exhausted = sloScenario(
  'slo-exhausted',
  s => {
    assert.equal(s.health, 'exhausted');
    assert.ok(s.budget.remainingPercent <= 0, 'no budget left');
    close(s.budget.remainingPercent, -100, 1, 'exhausted budget left');
    assert.equal(s.firings.length, 1, 'the one backfilled firing');
  },
  async ({ page, status, chart }) => {
    const marker = chart.getByTestId('firing-marker');
    assert.equal(await marker.count(), 1, 'one firing marker on the chart');
    assert.equal(
      await marker.first().getAttribute('aria-label'),
      firingLabel(status.firings[0]),
    );
    await page
      .getByRole('list', { name: 'Alerts fired for Availability' })
      .getByText(firingLabel(status.firings[0]))
      .waitFor();
  },
);

const nodata = sloScenario(
  'slo-nodata',
  s => {
    assert.equal(s.health, 'no-data');
    assert.equal(s.attainmentPercent, null);
    assert.equal(s.budget.remainingPercent, null);
    assert.match(s.reason ?? '', /^No traffic/);
  },
  async ({ page, status, chart }) => {
    assert.equal(await chart.count(), 0, 'no chart without data');
    await page
      .getByText(`No burn-down for Availability`, { exact: false })
      .first()
      .waitFor();
    assert.ok(status.reason);
  },
);

async function suggestion({ browser, portal }) {
  const answer = await sloAnswer(portal, 'slo-suggest');
  assert.equal(answer.slos.length, 0, 'no SLO declared');
  const [proposal] = answer.suggestions ?? [];
  assert.ok(proposal, 'an SLO is proposed from the history');
  assert.equal(proposal.slo, 'availability');
  close(proposal.achievedPercent, 99.98, 0.005, 'achieved availability');
  const page = await signedInPage(browser, portal.baseUrl);
  try {
    await page.goto(
      `${portal.baseUrl}/catalog/default/component/slo-suggest/observability`,
    );
    const card = page.getByRole('region', {
      name: `Proposed SLO: ${format.sloTitle(proposal)}`,
    });
    await card.waitFor({ timeout: 60_000 });
    await card
      .getByText(
        `Proposed: Availability ${format.formatObjective(
          proposal.objectivePercent,
        )}`,
      )
      .waitFor();
    const snippet = format.annotationsYaml(proposal.annotations);
    for (const line of snippet.split('\n'))
      await card.getByText(line.trim(), { exact: false }).first().waitFor();
    sloShown['slo-suggest'] = snippet.split('\n').at(-1).trim();
    console.log(`  slo-suggest: ${sloShown['slo-suggest']}`);
    await screenshot(page, 'slo-suggest', { fullPage: false });
  } finally {
    await page.context().close();
  }
}

/**
 * The coverage page's SLO attainment: a coverage run measures every
 * entity's SLOs in one query per Prometheus and window; the page shows, per
 * team, what the API says, and the month's attainment.
 */
async function attainment({ browser, portal }) {
  const coverage = await coverageOfWholeCatalog(portal);
  const rows = await portalApi(
    portal.baseUrl,
    '/api/observability/coverage?owner=platform&pageSize=100',
    { token: await portal.token() },
  );
  const byName = Object.fromEntries(rows.body.items.map(r => [r.name, r]));
  // What the history says, seen by the run: healthy and burning meet 99.9 %
  // over the window, exhausted does not, the quiet one has no data.
  assert.equal(byName['slo-healthy']?.slosMeeting, 1, 'slo-healthy meets');
  assert.equal(byName['slo-burning']?.slosMeeting, 1, 'slo-burning meets');
  assert.equal(byName['slo-exhausted']?.slosMeeting, 0, 'exhausted misses');
  assert.ok(
    byName['slo-exhausted'].lowestBudgetPercent <= 0,
    `exhausted's lowest budget: ${byName['slo-exhausted'].lowestBudgetPercent}`,
  );
  assert.equal(byName['slo-nodata']?.slosMeasured, 0, 'no data is unmeasured');
  const team = coverage.teams.find(t => t.team === 'platform');
  assert.ok(team, 'platform has a coverage summary');
  const expected = meetingText(team);
  assert.notEqual(expected, 'no data', 'the team has measured SLOs');

  const page = await signedInPage(browser, portal.baseUrl);
  try {
    await page.goto(`${portal.baseUrl}/observability`);
    const row = page.getByRole('row').filter({
      has: page.getByRole('button', { name: 'Show entities of platform' }),
    });
    await row.first().waitFor({ timeout: 60_000 });
    const text = await row.first().innerText();
    assert.ok(
      text.includes(expected),
      `platform's row shows "${expected}": ${text}`,
    );
    const monthly = page.getByRole('table', {
      name: 'SLO attainment by month',
    });
    await monthly.waitFor({ timeout: 30_000 });
    const month = new Date().toISOString().slice(0, 7);
    assert.ok(
      (await monthly.innerText()).includes(month) ||
        (await monthly.innerText()).includes(
          new Date().toLocaleString('en', { month: 'long', timeZone: 'UTC' }),
        ),
      'the current month has a row',
    );
    console.log(`  coverage: platform SLOs meeting objective ${expected}`);
    await readmeShot(page, 'coverage-slo-attainment', {
      frame: () => row.first().scrollIntoViewIfNeeded(),
    });
  } finally {
    await page.context().close();
  }
}

/** [name, fn], appended to the browser scenarios when the history runs. */
export const sloScenarios = [
  ['SLO tab: a healthy service shows its true budget (≈ 90 % left)', healthy],
  [
    'SLO tab: a burning service shows budget left and a 1 h burn rate > 1',
    burning,
  ],
  [
    'SLO tab: an exhausted budget, with the alert that fired on the chart',
    exhausted,
  ],
  ['SLO tab: no traffic is "no data" with the reason', nodata],
  [
    'SLO tab: a service without an SLO gets a proposal from its history',
    suggestion,
  ],
  [
    'coverage page: SLO attainment per team and by month, as the run measured it',
    attainment,
  ],
];
