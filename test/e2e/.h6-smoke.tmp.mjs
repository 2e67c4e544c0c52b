import { buildFrontend, startPortal } from './portal.mjs';
import { chromium } from 'playwright-core';

const shots = '/tmp/h6';
buildFrontend();
const portal = await startPortal({ log: false });
console.log('portal at', portal.baseUrl);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
try {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
  const page = await context.newPage();
  page.on('console', m => { if (m.type() === 'error') console.log('console error:', m.text().slice(0, 300)); });
  page.on('response', r => { if (r.status() >= 400) console.log('HTTP', r.status(), r.url()); });
  page.on('pageerror', e => console.log('page error:', e.message.slice(0, 300)));
  await page.goto(`${portal.baseUrl}/catalog`);
  const guest = page.getByRole('button', { name: /enter/i }).first();
  await guest.waitFor({ state: 'visible', timeout: 60_000 });
  await guest.click();
  await page.waitForLoadState('networkidle');
  for (const name of ['checkout', 'legacy-billing', 'broken-annotations']) {
    await page.goto(`${portal.baseUrl}/catalog/default/component/${name}/observability`);
    try {
      await page.getByText('RED targets').first().waitFor({ timeout: 30_000 });
      console.log(name, 'RED rows:', await page.locator('tr', { hasText: /Request rate|Error ratio|P99 latency/ }).count());
    } catch (e) {
      console.log(name, 'no RED targets:', e.message.split('\n')[0]);
    }
    await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
  }
  await page.goto(`${portal.baseUrl}/catalog/default/component/legacy-billing/observability`);
  await page.getByText('RED targets').first().waitFor({ timeout: 30_000 });
  await page.locator('table', { hasText: 'PromQL' }).first().screenshot({ path: `${shots}/red-table.png` });
  await page.locator('table', { hasText: 'Message and fix' }).first().screenshot({ path: `${shots}/checks-table.png` });
  await page.evaluate(() => localStorage.setItem('theme', 'dark'));
  await page.reload();
  await page.getByText('RED targets').first().waitFor({ timeout: 30_000 });
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `${shots}/legacy-dark.png` });
  await page.evaluate(() => localStorage.setItem('theme', 'light'));
  await page.goto(`${portal.baseUrl}/catalog/default/component/checkout/observability`);
  await page.getByRole('button', { name: 'Scaffold alerts' }).click();
  await page.getByRole('dialog').waitFor();
  await page.waitForTimeout(2000);
  console.log('PR link present:', await page.getByRole('link', { name: 'Open pull request' }).count());
  await page.screenshot({ path: `${shots}/dialog.png` });
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.getByRole('button', { name: 'Download all (zip)' }).click()]);
  console.log('download:', download.suggestedFilename());
  await page.goto(`${portal.baseUrl}/catalog/default/component/checkout`);
  await page.waitForTimeout(4000);
  await page.screenshot({ path: `${shots}/overview.png`, fullPage: true });
  await page.goto(`${portal.baseUrl}/observability`);
  await page.waitForTimeout(6000);
  await page.screenshot({ path: `${shots}/coverage.png`, fullPage: true });
  const teamButtons = page.getByRole('button', { name: /Show entities of/ });
  console.log('team buttons:', await teamButtons.count());
  if (await teamButtons.count()) {
    await teamButtons.first().click();
    await page.waitForTimeout(3000);
    await page.screenshot({ path: `${shots}/drilldown.png`, fullPage: true });
  }
  await page.goto(`${portal.baseUrl}/observability/runbooks/default/component/checkout/HighErrorRate`);
  await page.waitForTimeout(4000);
  await page.screenshot({ path: `${shots}/runbook.png`, fullPage: true });
} finally {
  await browser.close();
  await portal.stop();
}
