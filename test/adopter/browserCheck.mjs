/**
 * The adopter app in Chromium: the Observability tab of a service with an
 * SLO shows its RED targets, and the coverage page lists the service's team.
 * Screenshots go to test/e2e/artifacts/ beside the end-to-end ones.
 */
import { launchBrowser, screenshot, signedInPage } from '../e2e/browser.mjs';
import { DEMO_ENTITY } from './wire.mjs';

export async function checkInBrowser(chromiumPath, baseUrl) {
  const browser = await launchBrowser(chromiumPath);
  try {
    const page = await signedInPage(browser, baseUrl);
    await page.goto(
      `${baseUrl}/catalog/default/${DEMO_ENTITY.kind}/${DEMO_ENTITY.name}/observability`,
    );
    await page
      .getByRole('heading', { name: 'RED targets' })
      .waitFor({ timeout: 90_000 });
    // The targets' PromQL, generated from the catalog entity by the backend.
    await page
      .locator('table:not([aria-label="RED now"])')
      .getByText(/http_requests_total/)
      .first()
      .waitFor({ timeout: 30_000 });
    await screenshot(page, 'adopter-tab');

    await page.goto(`${baseUrl}/observability`);
    await page
      .getByRole('button', { name: /^Show entities of / })
      .first()
      .waitFor({ timeout: 120_000 });
    await screenshot(page, 'adopter-coverage');
  } finally {
    await browser.close();
  }
}
