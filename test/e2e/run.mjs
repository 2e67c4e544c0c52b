#!/usr/bin/env node
/**
 * End-to-end tests against the real portal (production build of the app
 * served by the backend, demo catalog, SQLite in memory), in Debian's
 * Chromium, plus the live alerting test against real Prometheus and
 * Alertmanager. Writes test/e2e/artifacts/summary.json with pass/fail counts
 * for the README's test command.
 *
 * In CI a missing Chromium fails; locally the browser scenarios are skipped
 * with a loud message.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildFrontend, repoRoot, startPortal } from './portal.mjs';
import { artifactsDir, launchBrowser } from './browser.mjs';
import { browserScenarios } from './scenarios.mjs';
import {
  sloPaintTimes,
  sloScenarios,
  startSloHistory,
} from './slo.scenarios.mjs';
import { dialogScenarios } from './dialog.scenarios.mjs';
import { backtestScenarios } from './backtest.scenarios.mjs';
import { a11yScenarios, layoutScenarios } from './a11y.scenarios.mjs';
import { readmeImagesNotRetaken, readmeShotsDir } from './readme.mjs';
import {
  liveRefreshScenarios,
  startHangablePrometheus,
} from './liveRefresh.scenarios.mjs';

const CHROMIUM = '/usr/bin/chromium';
const results = [];
// `--only <regex>`: run just the scenarios (and alerting steps) it matches.
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt > 0 ? new RegExp(process.argv[onlyAt + 1]) : undefined;

async function runScenario(name, fn) {
  if (only && !only.test(name)) return;
  const started = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(
      `PASS ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
  } catch (error) {
    results.push({ name, ok: false, error: String(error?.stack ?? error) });
    console.log(`FAIL ${name}: ${error?.message ?? error}`);
  }
}

function finish() {
  mkdirSync(artifactsDir, { recursive: true });
  const passed = results.filter(r => r.ok).length;
  const failed = results.length - passed;
  writeFileSync(
    join(artifactsDir, 'summary.json'),
    JSON.stringify({ passed, failed, results }, null, 2),
  );
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

mkdirSync(artifactsDir, { recursive: true });
// A README image left from an earlier run must not pass for retaken.
rmSync(readmeShotsDir, { recursive: true, force: true });

const alerting = join(repoRoot, 'test/e2e/alerting.e2e.mjs');
const alertingWanted =
  existsSync(alerting) && (!only || only.test('live alerting'));
const hasChromium = existsSync(CHROMIUM);
// Built once here for the browser and both alerting runs, which would race
// each other building into the same directory.
if (hasChromium || alertingWanted) buildFrontend();
// The live alerting test runs beside the browser scenarios, once per engine
// and both at once: each spends five of its six minutes waiting for `for: 5m`
// to elapse, and in turn it saves that much of the run (CI's time limit).
// Each run's portal and stack are its own.
const alertingDone = alertingWanted
  ? Promise.all([
      runAlerting({ engine: 'prometheus', prefix: '[alerting]', label: '' }),
      runAlerting({
        engine: 'victoriametrics',
        prefix: '[alerting vm]',
        label: ' (VictoriaMetrics)',
      }),
    ])
  : Promise.resolve();
if (!hasChromium) {
  const message = `'chromium' not found: install it with 'apt-get install -y --no-install-recommends chromium'`;
  if (process.env.CI) {
    results.push({ name: 'browser available', ok: false, error: message });
    console.log(`FAIL ${message} (required in CI)`);
  } else {
    console.warn(`\n!!! SKIPPING browser scenarios: ${message}\n`);
  }
} else {
  try {
    await runBrowserScenarios();
  } catch (error) {
    // A set-up failure (portal, Prometheus) must still let the alerting run end.
    results.push({
      name: 'browser scenarios set-up',
      ok: false,
      error: String(error?.stack ?? error),
    });
    console.log(`FAIL browser scenarios set-up: ${error?.message ?? error}`);
  }
}
await alertingDone;
finish();

async function runBrowserScenarios() {
  // The SLO scenarios' Prometheus over backfilled history ending now; its
  // Components and instance join the shared portal's config.
  const sloStarted = Date.now();
  const history = await startSloHistory();
  const sloSetupMs = Date.now() - sloStarted;
  let hangable;
  let sloScenariosMs = 0;
  try {
    hangable = await startHangablePrometheus(history?.extraConfig);
    const portal = await startPortal({
      extraConfig: hangable?.extraConfig ?? history?.extraConfig,
    });
    const browser = await launchBrowser(CHROMIUM);
    try {
      // The SLO scenarios first: their "now" is the history's last minutes.
      const started = Date.now();
      for (const [name, scenario] of history ? sloScenarios : []) {
        await runScenario(name, () => scenario({ browser, portal }));
      }
      sloScenariosMs = Date.now() - started;
      // Also over that history, while its last minutes are still recent.
      for (const [name, scenario] of history ? backtestScenarios : []) {
        await runScenario(name, () => scenario({ browser, portal }));
      }
      for (const [name, scenario] of [
        ...browserScenarios,
        ...dialogScenarios,
        ...a11yScenarios,
        ...layoutScenarios,
      ]) {
        await runScenario(name, () => scenario({ browser, portal }));
      }
      for (const [name, scenario] of hangable ? liveRefreshScenarios : []) {
        await runScenario(name, () => scenario({ browser, portal, hangable }));
      }
    } finally {
      await browser.close();
      await portal.stop();
    }
  } finally {
    await hangable?.stop();
    await history?.stop();
  }
  // Only a full run with the SLO history takes every view the README shows.
  if (!only && history)
    await runScenario('every README screenshot is retaken', async () => {
      const missing = readmeImagesNotRetaken();
      if (missing.length)
        throw new Error(`not retaken by this run: ${missing.join(', ')}`);
    });
  if (history)
    console.log(
      `SLO scenarios: history ${(sloSetupMs / 1000).toFixed(1)} s + ` +
        `scenarios ${(sloScenariosMs / 1000).toFixed(1)} s; first row of ` +
        `the SLO table after ${JSON.stringify(sloPaintTimes)} ms`,
    );
}

async function runAlerting({ engine, prefix, label }) {
  const { runAlertingE2E } = await import(alerting);
  // Its steps are counted one by one, like the browser scenarios.
  const outcome = await runAlertingE2E({
    engine,
    build: false,
    log: line => console.log(`${prefix} ${line}`),
  });
  for (const r of outcome.results ?? [])
    results.push({ ...r, name: `live alerting${label}: ${r.name}` });
  if (!outcome.ok && !(outcome.results ?? []).some(r => !r.ok)) {
    results.push({
      name: `live alerting${label}`,
      ok: Boolean(outcome.skipped),
      error: 'failed before its first step',
    });
  }
}
