/**
 * Accessibility, layout and noise of what a person sees, in Chromium: an
 * axe-core scan of the tab, the Scaffold dialog, the coverage page and a
 * runbook page; contrast ratios of the badges computed in the browser in both
 * themes; no card whose content overflows it at 1024 and 1440 px; no catalog
 * name broken mid-word; no 404 for the signed-in user and no per-request log
 * lines from the backend.
 *
 * Exports `a11yScenarios`, `[name, fn]` pairs run like `browserScenarios`
 * with `{ browser, portal }`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { screenshot, signedInPage } from './browser.mjs';
import { coverageOfWholeCatalog } from './scenarios.mjs';

const require = createRequire(import.meta.url);
// Evaluated rather than added as a script tag: the portal's CSP forbids inline scripts.
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const AA = 4.5;
const WIDTHS = [1024, 1440];
const ENTITY = 'checkout';
const RUNBOOK_ALERT = 'HighErrorRate';

const tabUrl = (portal, name = ENTITY) =>
  `${portal.baseUrl}/catalog/default/component/${name}/observability`;
const coverageUrl = portal => `${portal.baseUrl}/observability`;
const runbookUrl = portal =>
  `${portal.baseUrl}/observability/runbooks/default/component/${ENTITY}/${RUNBOOK_ALERT}`;

async function openTab(page, portal, name = ENTITY) {
  await page.goto(tabUrl(portal, name));
  await page
    .getByRole('heading', { name: 'RED targets' })
    .waitFor({ timeout: 60_000 });
  await page.waitForLoadState('networkidle');
}

async function openCoverage(page, portal) {
  await coverageOfWholeCatalog(portal);
  await page.goto(coverageUrl(portal));
  await page
    .getByRole('button', { name: /^Show entities of / })
    .first()
    .waitFor({ timeout: 60_000 });
  await page.waitForLoadState('networkidle');
}

async function openRunbook(page, portal) {
  await page.goto(runbookUrl(portal));
  await page
    .getByText(`Runbook for`, { exact: false })
    .first()
    .waitFor({ timeout: 60_000 });
  await page.waitForLoadState('networkidle');
}

async function openDialog(page, portal) {
  await openTab(page, portal);
  await page.getByRole('button', { name: /scaffold alerts/i }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  // The first preview is what a keyboard user lands on.
  await dialog
    .getByRole('region', { name: /^Preview of / })
    .first()
    .waitFor({ timeout: 30_000 });
  await page.waitForLoadState('networkidle');
  return dialog;
}

/** Serious and critical axe violations on the page (or inside `selector`), one line each. */
async function axeViolations(page, selector) {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async context => {
    const result = await window.axe.run(context ?? document, {
      resultTypes: ['violations'],
    });
    return result.violations.map(v => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes
        .slice(0, 5)
        .map(n => `${n.target.join(' ')} ${n.html.slice(0, 160)}`),
    }));
  }, selector);
  return violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.impact} ${v.id} (${v.help}): ${v.targets.join(' | ')}`);
}

async function axeScan({ browser, portal }) {
  const page = await signedInPage(browser, portal.baseUrl);
  const found = [];
  const scan = async (where, selector) => {
    for (const line of await axeViolations(page, selector))
      found.push(`${where}: ${line}`);
  };
  try {
    await openTab(page, portal);
    await scan('tab');
    await openDialog(page, portal);
    await scan('dialog', '[role="dialog"]');
    await page.keyboard.press('Escape');
    await openCoverage(page, portal);
    await scan('coverage page');
    assert.equal(
      await page.getByRole('main').count(),
      1,
      'one main landmark on the coverage page',
    );
    await openRunbook(page, portal);
    await scan('runbook page');
    assert.equal(
      await page.getByRole('main').count(),
      1,
      'one main landmark on the runbook page',
    );
    assert.deepEqual(found, [], `axe found:\n${found.join('\n')}`);
  } finally {
    await page.close();
  }
}

/**
 * Backstage prefixes Material UI v5 class names with `v5-`, hence the
 * `[class*=…]` selectors.
 *
 * In the page: the WCAG contrast ratio of every chip's label against the
 * colour actually behind it (its own fill, else the nearest painted
 * ancestor), with `label` and both colours for the message.
 */
function chipContrasts() {
  const parse = colour => {
    const [r, g, b, a = 1] = colour.match(/[\d.]+/g).map(Number);
    return { r, g, b, a };
  };
  const luminance = ({ r, g, b }) => {
    const [R, G, B] = [r, g, b].map(v => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * R + 0.7152 * G + 0.0722 * B;
  };
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a),
    g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a),
    a: 1,
  });
  const background = element => {
    const layers = [];
    for (let e = element; e; e = e.parentElement) {
      const fill = parse(getComputedStyle(e).backgroundColor);
      if (fill.a > 0) layers.push(fill);
      if (fill.a >= 1) break;
    }
    return layers.reverse().reduce((below, layer) => over(layer, below), {
      r: 255,
      g: 255,
      b: 255,
      a: 1,
    });
  };
  return [...document.querySelectorAll('[class*="MuiChip-root"]')]
    .filter(chip => chip.getBoundingClientRect().width > 0)
    .map(chip => {
      const label = chip.querySelector('[class*="MuiChip-label"]') ?? chip;
      const text = over(parse(getComputedStyle(label).color), background(chip));
      const [l1, l2] = [luminance(text), luminance(background(chip))].sort(
        (a, b) => b - a,
      );
      return {
        label: label.textContent,
        ratio: Math.round(((l1 + 0.05) / (l2 + 0.05)) * 100) / 100,
      };
    });
}

async function badgeContrast({ browser, portal }) {
  const page = await signedInPage(browser, portal.baseUrl);
  const low = [];
  const measured = {};
  try {
    for (const theme of ['light', 'dark']) {
      // Backstage's theme selector keeps the choice in local storage.
      await page.evaluate(t => window.localStorage.setItem('theme', t), theme);
      for (const [where, open] of [
        ['tab', () => openTab(page, portal)],
        ['coverage drill-down', () => openDrillDown(page, portal)],
      ]) {
        await open();
        const chips = await page.evaluate(chipContrasts);
        assert.ok(chips.length > 0, `${theme} ${where}: badges to measure`);
        for (const chip of chips) {
          const key = `${theme} ${chip.label}`;
          measured[key] = Math.min(measured[key] ?? Infinity, chip.ratio);
          if (chip.ratio < AA)
            low.push(`${theme} ${where}: "${chip.label}" ${chip.ratio}:1`);
        }
      }
      await screenshot(page, `a11y-badges-${theme}`, { fullPage: false });
    }
  } finally {
    await page.evaluate(() => window.localStorage.removeItem('theme'));
    await page.close();
  }
  console.log(
    `  badge contrast (lowest per label): ${JSON.stringify(measured)}`,
  );
  assert.deepEqual(low, [], `badges below ${AA}:1:\n${low.join('\n')}`);
}

async function openDrillDown(page, portal) {
  await coverageOfWholeCatalog(portal);
  await page.goto(`${coverageUrl(portal)}?team=payments`);
  await page
    .getByRole('table', { name: 'Entities' })
    .waitFor({ timeout: 60_000 });
  await page.waitForLoadState('networkidle');
}

/**
 * In the page: every card (a Material UI Paper inside `main`) whose content
 * is wider than the card, or that hides content behind a horizontal scroll,
 * and every card that reaches past the viewport.
 */
function overflowingCards() {
  const main = document.querySelector('main') ?? document.body;
  const describe = element =>
    (
      element.querySelector('h1, h2, h3, h4, h5, h6, [aria-label]')
        ?.textContent ??
      element.getAttribute('aria-label') ??
      element.textContent
    )
      .trim()
      .slice(0, 60);
  const problems = [];
  for (const card of main.querySelectorAll('[class*="MuiPaper-root"]')) {
    const box = card.getBoundingClientRect();
    if (box.width === 0) continue;
    if (box.right > document.documentElement.clientWidth + 1)
      problems.push(`"${describe(card)}" ends at ${Math.round(box.right)} px`);
    for (const scroller of [card, ...card.querySelectorAll('*')]) {
      const hidden = scroller.scrollWidth - scroller.clientWidth;
      const style = getComputedStyle(scroller);
      if (
        hidden > 1 &&
        ['auto', 'scroll', 'hidden'].includes(style.overflowX) &&
        // Visually hidden screen-reader text is 1 px wide on purpose.
        scroller.clientWidth > 1
      ) {
        problems.push(
          `"${describe(
            card,
          )}" hides ${hidden} px of ${scroller.tagName.toLowerCase()} "${scroller.textContent
            .trim()
            .slice(0, 40)}"`,
        );
        break;
      }
    }
  }
  return [...new Set(problems)];
}

async function nothingOverflows({ browser, portal }) {
  const page = await signedInPage(browser, portal.baseUrl);
  const found = [];
  try {
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      for (const [where, open] of [
        ['tab', () => openTab(page, portal)],
        // The most checks, findings and copy-paste fixes in the demo catalog.
        [
          'broken-annotations tab',
          () => openTab(page, portal, 'broken-annotations'),
        ],
        ['coverage page', () => openCoverage(page, portal)],
        ['coverage drill-down', () => openDrillDown(page, portal)],
      ]) {
        await open();
        for (const problem of await page.evaluate(overflowingCards))
          found.push(`${width} px ${where}: ${problem}`);
        await screenshot(
          page,
          `a11y-layout-${where.replaceAll(' ', '-')}-${width}`,
        );
      }
    }
  } finally {
    await page.close();
  }
  assert.deepEqual(
    found,
    [],
    `content wider than its card:\n${found.join('\n')}`,
  );
}

/**
 * In the page: the words inside `main` (outside code) that a line break cuts
 * in two: a word whose characters lie on more than one line.
 */
function wordsBrokenAcrossLines() {
  const main = document.querySelector('main') ?? document.body;
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  const broken = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest('code, pre, svg')) continue;
    for (const match of node.textContent.matchAll(/[A-Za-z]{2,}/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const lines = new Set(
        [...range.getClientRects()]
          .filter(r => r.width > 0)
          .map(r => Math.round(r.top)),
      );
      if (lines.size > 1) broken.push(match[0]);
    }
  }
  return [...new Set(broken)];
}

async function noMidWordBreaks({ browser, portal }) {
  const page = await signedInPage(browser, portal.baseUrl);
  const found = [];
  try {
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      for (const [where, open] of [
        ['catalog', () => openCatalog(page, portal)],
        ['tab', () => openTab(page, portal)],
        ['coverage drill-down', () => openDrillDown(page, portal)],
      ]) {
        await open();
        for (const word of await page.evaluate(wordsBrokenAcrossLines))
          found.push(`${width} px ${where}: "${word}"`);
      }
    }
  } finally {
    await page.close();
  }
  assert.deepEqual(found, [], `words broken mid-word:\n${found.join('\n')}`);
}

async function openCatalog(page, portal) {
  await page.goto(`${portal.baseUrl}/catalog?filters[kind]=component`);
  await page
    .getByRole('link', { name: /Analytics SDK|analytics-sdk/ })
    .first()
    .waitFor({ timeout: 60_000 });
  await page.waitForLoadState('networkidle');
}

/**
 * A keyboard user sees where focus is: the focused button draws an outline
 * of at least 2 px, not only Material UI's faint ripple.
 */
async function focusRing({ browser, portal }) {
  const page = await signedInPage(browser, portal.baseUrl);
  try {
    await openTab(page, portal);
    const button = page.getByRole('button', { name: /scaffold alerts/i });
    // Material UI shows focus only after keyboard use.
    await page.keyboard.press('Shift');
    await button.focus();
    const outline = await button.evaluate(element => {
      const style = getComputedStyle(element);
      return { style: style.outlineStyle, width: style.outlineWidth };
    });
    await screenshot(page, 'a11y-focus-ring', { fullPage: false });
    assert.notEqual(outline.style, 'none', 'the focused button has an outline');
    assert.ok(
      parseFloat(outline.width) >= 2,
      `outline ${outline.width} is at least 2 px`,
    );
  } finally {
    await page.close();
  }
}

/**
 * Browsing every page answers no 404 (the guest's own User entity among
 * them), and the backend does not log a line per request.
 */
async function quietPages({ browser, portal }) {
  const page = await signedInPage(browser, portal.baseUrl);
  const notFound = [];
  page.on('response', response => {
    if (response.status() === 404) notFound.push(response.url());
  });
  try {
    await openTab(page, portal);
    await openCoverage(page, portal);
    await openRunbook(page, portal);
  } finally {
    await page.close();
  }
  assert.deepEqual(
    notFound,
    [],
    `404s while browsing:\n${notFound.join('\n')}`,
  );
  const requestLines = portal
    .output()
    .split('\n')
    .filter(line => /"(GET|POST) \/api\/[^"]* HTTP\/[\d.]+" \d{3}/.test(line));
  assert.deepEqual(
    requestLines.slice(0, 5),
    [],
    `${requestLines.length} request log lines, e.g. the ones shown`,
  );
}

/** [name, fn] in order, run by test/e2e/run.mjs like `browserScenarios`. */
export const a11yScenarios = [
  [
    'axe finds no serious or critical violation on the tab, dialog, coverage and runbook pages',
    axeScan,
  ],
  ['badges read at 4.5:1 or more in the light and dark themes', badgeContrast],
  ['a focused button shows a visible focus ring', focusRing],
  ['catalog names never break mid-word', noMidWordBreaks],
  ['pages answer no 404 and the backend logs no line per request', quietPages],
];

/** [name, fn], run by test/e2e/run.mjs after `a11yScenarios`. */
export const layoutScenarios = [
  ['no card overflows at 1024 and 1440 px', nothingOverflows],
];
