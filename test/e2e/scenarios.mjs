/**
 * Browser scenarios. Expected values come from the backend's API for the same
 * entity (real data flow), never from constants copied into the test.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { portalApi } from '../stack/portal-api.mjs';
import { screenshot, signedInPage } from './browser.mjs';
import { readmeShot } from './readme.mjs';

/** GET or POST on the portal API as the guest user; asserts the expected status. */
async function call(portal, path, { method = 'GET', status = 200 } = {}) {
  const res = await portalApi(portal.baseUrl, path, {
    method,
    token: await portal.token(),
  });
  assert.equal(res.status, status, `${method} ${path} answered ${res.status}`);
  return res.body;
}

const api = (portal, path) => call(portal, `/api/observability${path}`);

/**
 * Coverage is evaluated on a schedule; the first run may have seen a catalog
 * still being ingested. Ask for a run and wait until it covers every Component.
 */
export async function coverageOfWholeCatalog(portal) {
  // Only what serves requests is counted (the default
  // observability.servingComponentTypes: every demo Component has a type).
  const components = await call(
    portal,
    '/api/catalog/entities/by-query?filter=kind=component,spec.type=service&limit=1',
  );
  await call(portal, '/api/observability/coverage/refresh', {
    method: 'POST',
    status: 202,
  });
  const deadline = Date.now() + 120_000;
  for (;;) {
    const coverage = await api(portal, '/coverage?pageSize=100');
    if (coverage.summary.services === components.totalItems) return coverage;
    assert.ok(
      Date.now() < deadline,
      `coverage has ${coverage.summary.services} of ${components.totalItems} services`,
    );
    await new Promise(r => setTimeout(r, 1000));
  }
}

async function openTab(page, portal, name) {
  await page.goto(
    `${portal.baseUrl}/catalog/default/component/${name}/observability`,
  );
  await page
    .getByRole('heading', { name: 'RED targets' })
    .waitFor({ timeout: 60_000 });
}

/** Each RED row (name + threshold text) is visible in the RED targets table. */
async function expectRedRows(page, redTargets) {
  assert.equal(redTargets.length, 3, 'three RED targets');
  for (const target of redTargets) {
    // The service-health "RED now" table above names the same signals.
    const row = page
      .locator('table:not([aria-label="RED now"])')
      .getByRole('row')
      .filter({ hasText: target.name });
    await row.first().waitFor({ timeout: 30_000 });
    const text = await row.first().innerText();
    assert.ok(
      text.includes(target.thresholdDisplay),
      `row "${target.name}" shows "${target.thresholdDisplay}", got: ${text}`,
    );
  }
}

async function checkoutSmoke({ browser, portal }) {
  const { redTargets } = await api(
    portal,
    '/entity/component/default/checkout',
  );
  // checkout declares its own thresholds: every RED value comes from an annotation.
  assert.deepEqual(
    redTargets.map(t => t.source),
    ['annotation', 'annotation', 'annotation'],
  );
  const page = await signedInPage(browser, portal.baseUrl);
  await openTab(page, portal, 'checkout');
  await expectRedRows(page, redTargets);
  await screenshot(page, 'checkout-observability-tab');
  await screenshot(page, 'checkout-observability-tab-viewport', {
    fullPage: false,
  });
  await readmeShot(page, 'observability-tab', {
    frame: () => page.evaluate(() => window.scrollTo(0, 0)),
  });
  await page.close();
}

async function legacyBillingDefaults({ browser, portal }) {
  const { redTargets } = await api(
    portal,
    '/entity/component/default/legacy-billing',
  );
  assert.deepEqual(
    redTargets.map(t => t.source),
    ['default', 'default', 'default'],
  );
  const page = await signedInPage(browser, portal.baseUrl);
  await openTab(page, portal, 'legacy-billing');
  await expectRedRows(page, redTargets);
  // The guided explanation of how to describe the service, with a YAML snippet.
  await page
    .getByLabel('How to describe this service')
    .waitFor({ timeout: 30_000 });
  await page.getByText('redline.dev/slo-availability').first().waitFor();
  await screenshot(page, 'legacy-billing-guided');
  await page.close();
}

async function brokenAnnotationsFindings({ browser, portal }) {
  const { findings } = await api(
    portal,
    '/entity/component/default/broken-annotations',
  );
  const invalid = findings.filter(f => f.id === 'annotation.invalid');
  assert.ok(
    invalid.length >= 10,
    `expected a finding per broken annotation, got ${invalid.length}`,
  );
  const page = await signedInPage(browser, portal.baseUrl);
  await openTab(page, portal, 'broken-annotations');
  const list = page.getByRole('list', { name: 'Findings' });
  await list.waitFor({ timeout: 30_000 });
  for (const finding of invalid.slice(0, 5)) {
    await list
      .getByText(finding.annotation, { exact: false })
      .first()
      .waitFor();
  }
  assert.equal(
    await page.getByText('Error in', { exact: false }).count(),
    0,
    'no error panel',
  );
  await screenshot(page, 'broken-annotations-findings');
  await page.close();
}

async function scaffoldAndDownload({ browser, portal }) {
  const page = await signedInPage(browser, portal.baseUrl);
  await openTab(page, portal, 'checkout');
  await page.getByRole('button', { name: /scaffold alerts/i }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await dialog
    .getByRole('radio', { name: /Preview Prometheus rules/i })
    .check();
  const preview = dialog.getByRole('region', {
    name: /Preview of prometheus-rules.yaml/,
  });
  await preview
    .getByText('SLOErrorBudgetBurn')
    .first()
    .waitFor({ timeout: 30_000 });
  await screenshot(page, 'scaffold-alerts-dialog', { fullPage: false });
  await readmeShot(page, 'scaffold-alerts-dialog');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    preview
      .getByRole('button', { name: /Download prometheus-rules.yaml/ })
      .click(),
  ]);
  assert.equal(download.suggestedFilename(), 'prometheus-rules.yaml');
  const text = readFileSync(await download.path(), 'utf8');
  assert.match(text, /^groups:/m);
  assert.match(text, /alert: HighErrorRate/);
  const [zip] = await Promise.all([
    page.waitForEvent('download'),
    dialog.getByRole('button', { name: /Download all \(zip\)/ }).click(),
  ]);
  assert.match(zip.suggestedFilename(), /\.zip$/);
  const bytes = readFileSync(await zip.path());
  assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'a zip archive');
  await page.close();
}

async function coverageFilterDrillDown({ browser, portal }) {
  const all = await coverageOfWholeCatalog(portal);
  const team = all.teams.find(t => t.team === 'payments');
  assert.ok(team, 'payments has a coverage summary');
  const filtered = await api(portal, '/coverage?owner=payments&pageSize=100');
  const page = await signedInPage(browser, portal.baseUrl);
  await page.goto(`${portal.baseUrl}/observability`);
  await page
    .getByRole('button', { name: 'Show entities of payments' })
    .waitFor({ timeout: 60_000 });
  await screenshot(page, 'coverage-page');

  // Filter by team: the summary now counts only payments' services.
  await page.getByLabel('Owner').fill('payments');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  const summary = page.getByLabel('Coverage summary');
  await summary
    .getByText(String(filtered.summary.services), { exact: true })
    .waitFor({ timeout: 30_000 });
  assert.equal(
    await page.getByRole('button', { name: /^Show entities of / }).count(),
    1,
    'only payments is listed',
  );

  // Drill down: the team's services, each linking to its entity page.
  await page.getByRole('button', { name: 'Show entities of payments' }).click();
  await page
    .getByRole('link', { name: 'checkout', exact: true })
    .first()
    .waitFor({ timeout: 30_000 });
  for (const row of filtered.items) {
    await page
      .getByRole('link', { name: row.name, exact: true })
      .first()
      .waitFor();
  }
  assert.equal(filtered.items.length, team.services);
  await screenshot(page, 'coverage-drill-down');
  await readmeShot(page, 'coverage-drill-down', {
    frame: () => page.evaluate(() => window.scrollTo(0, 0)),
  });
  await page.close();
}

/** [name, fn] in order; the first is the smoke test. */
export const browserScenarios = [
  [
    'checkout tab shows its three RED targets with its own thresholds',
    checkoutSmoke,
  ],
  [
    'legacy-billing shows seed defaults and a guided explanation',
    legacyBillingDefaults,
  ],
  [
    'broken-annotations shows readable findings, not an error page',
    brokenAnnotationsFindings,
  ],
  [
    'scaffold dialog previews and downloads rules and the zip bundle',
    scaffoldAndDownload,
  ],
  [
    'coverage page: filter by team, then drill down to its services',
    coverageFilterDrillDown,
  ],
];
