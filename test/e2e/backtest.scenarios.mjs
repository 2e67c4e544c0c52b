/**
 * The backtest in the Scaffold alerts dialog, in Chromium, against the SLO
 * scenarios' Prometheus over backfilled history (slo.scenarios.mjs): the
 * dialog shows how often each alert would have fired, and a changed
 * threshold re-runs it and shows the numbers change. The entity is
 * `slo-burning` (2 % errors for the last 6 hours), not the demo's
 * `checkout`: only the fixture Components have history in that Prometheus.
 * Expected texts come from the API for the same entity, printed with the
 * dialog's own formatting.
 */
import assert from 'node:assert/strict';
import { portalApi } from '../stack/portal-api.mjs';
import { requireTs } from '../stack/ts.mjs';
import { screenshot } from './browser.mjs';
import { openDialog } from './dialog.scenarios.mjs';
import { readmeShot } from './readme.mjs';

const { backtestSummary } = requireTs(
  '../../plugins/observability/src/components/Backtest/backtestSummary.ts',
);
const { tallyText } = requireTs(
  '../../plugins/observability/src/components/Backtest/thresholdTuning.ts',
);

const ENTITY = 'slo-burning';
const ALERT = 'HighErrorRate';
/** Above the 2 % the history holds: the tuned alert must stay quiet. */
const TUNED_ERROR_RATE = '3';

async function backtestOf(portal, query = '') {
  const res = await portalApi(
    portal.baseUrl,
    `/api/observability/entity/component/default/${ENTITY}/backtest${query}`,
    { token: await portal.token() },
  );
  assert.equal(
    res.status,
    200,
    `backtest answered ${res.status}: ${JSON.stringify(res.body)}`,
  );
  const alert = res.body.alerts.find(a => a.key === ALERT);
  assert.ok(alert, `${ENTITY} has a ${ALERT} alert`);
  assert.equal(alert.status, 'evaluated', `${ALERT}: ${alert.reason}`);
  return { report: res.body, alert };
}

/**
 * Waits until `section` shows the alert's summary exactly as the API words
 * it at the same moment, and returns that answer. The dialog and the API
 * each end the window on the step grid: two backtests a grid step apart
 * can differ by a step of firing while the history's burn is near the
 * window's end, so the answer compared with is fetched anew until the
 * dialog's own request and the API's fall on the same step.
 */
async function waitForDialogSummary(section, portal, query = '') {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const answer = await backtestOf(portal, query);
    const expected = `${ALERT} ${backtestSummary(
      answer.alert,
      answer.report.days,
    )}`;
    if (await section.getByText(expected).isVisible()) return answer;
    if (Date.now() > deadline)
      throw new Error(
        `the dialog never showed "${expected}"; its backtest section reads: ${await section.innerText()}`,
      );
    await new Promise(resolve => setTimeout(resolve, 1_000));
  }
}

async function dialogBacktestFollowsThreshold({ browser, portal }) {
  const { page, dialog } = await openDialog(browser, portal, ENTITY);
  const section = dialog.getByRole('region', {
    name: 'Backtest: the last 7 days',
  });
  const before = await waitForDialogSummary(section, portal);
  const after = await backtestOf(
    portal,
    `?errorRateThreshold=${TUNED_ERROR_RATE}`,
  );
  // The history's 2 % errors breach the 1 % default and not 3 %.
  assert.ok(before.alert.fired >= 1, `${ALERT} fired ${before.alert.fired}×`);
  assert.equal(after.alert.fired, 0, `tuned ${ALERT} fired`);
  await section
    .getByRole('img', {
      name: `When ${ALERT} would have fired over ${before.report.days} days`,
    })
    .waitFor();

  await section
    .getByRole('textbox', { name: 'Error rate (%)' })
    .fill(TUNED_ERROR_RATE);
  await section
    .getByText(
      `Before → after: ${tallyText(before.alert)} → ${tallyText(after.alert)}`,
    )
    .waitFor({ timeout: 60_000 });
  await section
    .getByText(`${ALERT} ${backtestSummary(after.alert, after.report.days)}`)
    .waitFor();
  const snippet = dialog.getByRole('region', {
    name: 'Threshold annotations',
  });
  await snippet
    .getByText(`redline.dev/error-rate-threshold: "${TUNED_ERROR_RATE}"`)
    .waitFor();
  await section.scrollIntoViewIfNeeded();
  await screenshot(page, 'backtest-dialog', { fullPage: false });
  // For the README (docs/images/backtest-dialog.png with --update-readme-images).
  await readmeShot(page, 'backtest-dialog', {
    frame: () => section.scrollIntoViewIfNeeded(),
  });
  console.log(
    `  ${ALERT} on ${ENTITY}: ${tallyText(
      before.alert,
    )} at the 1 % default → ${tallyText(after.alert)} at ${TUNED_ERROR_RATE} %`,
  );
  await page.close();
}

/** Needs the SLO history's Prometheus: run.mjs runs these with the SLO scenarios. */
export const backtestScenarios = [
  [
    'scaffold dialog: backtest shows per alert and follows a changed threshold',
    dialogBacktestFollowsThreshold,
  ],
];
