/**
 * Browser scenarios in Debian's Chromium driven by playwright-core (no
 * browser download: FEASIBILITY). Each scenario saves a screenshot under
 * test/e2e/artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { repoRoot } from './portal.mjs';

export const artifactsDir = join(repoRoot, 'test/e2e/artifacts');

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export async function launchBrowser(executablePath) {
  mkdirSync(artifactsDir, { recursive: true });
  return chromium.launch({
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/** Opens a page signed in as guest (the app shows a sign-in page first). */
export async function signedInPage(browser, baseUrl) {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 1000 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  await page.goto(`${baseUrl}/catalog`);
  // The guest sign-in card renders after the app bundle loads; wait for it
  // explicitly (isVisible does not wait).
  const guest = page.getByRole('button', { name: /enter/i }).first();
  await guest.waitFor({ state: 'visible', timeout: 60_000 });
  await guest.click();
  await page
    .getByText('Guest')
    .first()
    .waitFor({ state: 'hidden', timeout: 30_000 })
    .catch(() => undefined);
  await page.waitForLoadState('networkidle');
  return page;
}

/** Saves a full-page screenshot, or only the viewport (`fullPage: false`, e.g. for the README). */
export async function screenshot(page, name, { fullPage = true } = {}) {
  const path = join(artifactsDir, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

/**
 * The answers of Redline's API the page has received, asked at or after
 * `since` (the page's performance clock), from Resource Timing: path,
 * query, request sent to last byte (`ms`) and when the last byte came
 * (`endAt`, same clock).
 */
export function redlineAnswers(page, since = 0) {
  return page.evaluate(
    since =>
      performance
        .getEntriesByType('resource')
        .filter(e => e.startTime >= since)
        .map(e => ({ e, url: new URL(e.name) }))
        .filter(({ url }) => url.pathname.startsWith('/api/observability/'))
        .map(({ e, url }) => ({
          path: url.pathname,
          search: url.search,
          ms: Math.round(e.responseEnd - e.requestStart),
          endAt: e.responseEnd,
        })),
    since,
  );
}
