/**
 * The Scaffold alerts dialog by keyboard and by selection, in Chromium: the
 * preview radios are one tab stop (arrow keys move within), a focused button
 * shows a visible ring, the zip holds only the ticked files, and Apply (when
 * the guest may apply) first shows a diff against the deployed rules.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import JSZip from 'jszip';
import { portalApi } from '../stack/portal-api.mjs';
import { screenshot, signedInPage } from './browser.mjs';

const ENTITY = 'checkout';

/** Signs in, opens `entity`'s tab and its Scaffold alerts dialog. */
export async function openDialog(browser, portal, entity = ENTITY) {
  const page = await signedInPage(browser, portal.baseUrl);
  await page.goto(
    `${portal.baseUrl}/catalog/default/component/${entity}/observability`,
  );
  await page
    .getByRole('button', { name: /scaffold alerts/i })
    .click({ timeout: 60_000 });
  const dialog = page.getByRole('dialog', { name: 'Scaffold alerts' });
  await dialog.waitFor();
  return { page, dialog };
}

/** The entity's files as the backend lists them: the expected counts come from here. */
async function artifactsOf(portal) {
  const res = await portalApi(
    portal.baseUrl,
    `/api/observability/entity/component/default/${ENTITY}?parts=static`,
    { token: await portal.token() },
  );
  assert.equal(res.status, 200, `entity view answered ${res.status}`);
  return res.body;
}

/** What the focused element looks like: enough to tell a ring from a ripple. */
function focusedElement(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    const style = el ? getComputedStyle(el) : undefined;
    return {
      tag: el?.tagName,
      type: el?.getAttribute('type'),
      label: el?.getAttribute('aria-label') ?? el?.textContent?.trim(),
      outlineStyle: style?.outlineStyle,
      outlineWidth: parseFloat(style?.outlineWidth ?? '0'),
    };
  });
}

async function radioGroupIsOneTabStop({ browser, portal }) {
  const view = await artifactsOf(portal);
  const { page, dialog } = await openDialog(browser, portal);
  const radios = dialog.getByRole('radio');
  assert.equal(await radios.count(), view.artifacts.length);
  await radios.first().focus();
  const target = view.canApply ? 'Apply to Prometheus' : 'Close';
  let presses = 0;
  let focused = await focusedElement(page);
  while (focused.label !== target && presses < 60) {
    await page.keyboard.press('Tab');
    presses++;
    focused = await focusedElement(page);
    assert.ok(
      !(focused.type === 'radio'),
      `Tab ${presses} landed on another preview radio (${focused.label})`,
    );
  }
  assert.equal(focused.label, target, `reached ${target} by Tab`);
  // One stop per other checkbox, then the preview's download, copy and
  // scroll region, the backtest's three threshold fields, the history, and
  // the buttons before the target (with "Download OpenSLO").
  const bound = view.artifacts.length - 1 + 12;
  assert.ok(
    presses <= bound,
    `${presses} Tab presses from the first radio to ${target} (at most ${bound})`,
  );
  assert.notEqual(focused.outlineStyle, 'none', 'focused button has a ring');
  assert.ok(focused.outlineWidth >= 2, 'ring at least 2px wide');
  console.log(`  Tab presses from the first radio to ${target}: ${presses}`);

  await radios.first().focus();
  await page.keyboard.press('ArrowDown');
  focused = await focusedElement(page);
  assert.equal(focused.label, `Preview ${view.artifacts[1].label}`);
  await dialog
    .getByRole('region', { name: `Preview of ${view.artifacts[1].path}` })
    .waitFor({ timeout: 30_000 });
  await screenshot(page, 'scaffold-alerts-focus', { fullPage: false });
  await page.close();
}

async function zipHoldsTickedFiles({ browser, portal }) {
  const view = await artifactsOf(portal);
  const { page, dialog } = await openDialog(browser, portal);
  const runbooks = view.artifacts.filter(a => a.id.startsWith('runbook:'));
  assert.ok(runbooks.length > 0, 'checkout has runbooks to untick');
  for (const runbook of runbooks) {
    await dialog
      .getByRole('checkbox', { name: runbook.label, exact: true })
      .uncheck();
  }
  const kept = view.artifacts.filter(a => !a.id.startsWith('runbook:'));
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    dialog
      .getByRole('button', { name: `Download ${kept.length} selected (zip)` })
      .click(),
  ]);
  const zip = await JSZip.loadAsync(readFileSync(await download.path()));
  const names = Object.values(zip.files)
    .filter(entry => !entry.dir)
    .map(entry => entry.name.split('/').slice(1).join('/'))
    .sort();
  assert.deepEqual(names, kept.map(a => a.path).sort());

  if (view.canApply) {
    // The confirmation shows what the backend's preview answers: a diff, or
    // why none can be made (e.g. an instance without a rules directory).
    const preview = await portalApi(
      portal.baseUrl,
      `/api/observability/entity/component/default/${ENTITY}/apply/preview`,
      {
        method: 'POST',
        body: { files: ['prometheus-rules'] },
        token: await portal.token(),
      },
    );
    await dialog.getByRole('button', { name: 'Apply to Prometheus' }).click();
    const confirmation = page.getByRole('dialog', {
      name: 'Apply to Prometheus?',
    });
    if (preview.status === 200) {
      await confirmation
        .getByText(`Prometheus instance “${preview.body.instance}”`, {
          exact: false,
        })
        .waitFor();
      if (preview.body.changed) {
        await confirmation
          .getByRole('region', { name: `Changes to ${preview.body.fileName}` })
          .waitFor();
      }
    } else {
      assert.ok(preview.status < 500, `preview answered ${preview.status}`);
      await confirmation
        .getByText('Could not compare with the deployed rules')
        .waitFor();
      await confirmation
        .getByText(preview.body.error.message, { exact: false })
        .first()
        .waitFor({ state: 'attached' });
      assert.equal(
        await confirmation
          .getByRole('button', { name: 'Confirm apply' })
          .isDisabled(),
        true,
        'nothing to confirm without a preview',
      );
    }
    await screenshot(page, 'scaffold-alerts-apply-confirmation', {
      fullPage: false,
    });
    await confirmation.getByRole('button', { name: 'Cancel' }).click();
  }
  await page.close();
}

/**
 * Register in run.mjs beside `browserScenarios`:
 * `for (const [name, s] of dialogScenarios) await runScenario(name, () => s({ browser, portal }));`
 */
export const dialogScenarios = [
  [
    'scaffold dialog: preview radios are one tab stop, focused buttons show a ring',
    radioGroupIsOneTabStop,
  ],
  [
    'scaffold dialog: the zip holds only the ticked files; Apply shows a diff first',
    zipHoldsTickedFiles,
  ],
];
