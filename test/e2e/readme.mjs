/**
 * The README's screenshots, retaken by every end-to-end run so they cannot
 * drift from the UI: each is a 1440×900 viewport shot saved as
 * test/e2e/artifacts/readme/<name>.png, and copied over docs/images/<name>.png
 * (what the README shows) when the run is given `--update-readme-images` or
 * REDLINE_UPDATE_README_IMAGES=1. Without the flag a run leaves the committed
 * images alone, so a test run never dirties the work tree.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifactsDir } from './browser.mjs';
import { repoRoot } from './portal.mjs';

export const README_VIEWPORT = { width: 1440, height: 900 };
export const readmeShotsDir = join(artifactsDir, 'readme');
const docsImagesDir = join(repoRoot, 'docs/images');

const updating =
  process.argv.includes('--update-readme-images') ||
  process.env.REDLINE_UPDATE_README_IMAGES === '1';

/**
 * Takes the README image `name` of what `page` shows at the README's size;
 * `frame` runs after the resize (e.g. to scroll to the part shown). The page
 * gets its previous viewport back, so the scenario goes on as it was.
 */
export async function readmeShot(page, name, { frame } = {}) {
  const previous = page.viewportSize();
  await page.setViewportSize(README_VIEWPORT);
  try {
    await frame?.();
    // Let the resized layout and any chart redraw settle before the shot.
    await page.waitForTimeout(300);
    mkdirSync(readmeShotsDir, { recursive: true });
    const path = join(readmeShotsDir, `${name}.png`);
    await page.screenshot({ path, fullPage: false });
    if (updating) {
      mkdirSync(docsImagesDir, { recursive: true });
      copyFileSync(path, join(docsImagesDir, `${name}.png`));
    }
    return path;
  } finally {
    if (previous) await page.setViewportSize(previous);
  }
}

/** The `docs/images/<name>.png` names the README shows. */
export function readmeImageNames() {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  return [
    ...new Set(
      [...readme.matchAll(/\(docs\/images\/([\w-]+)\.png\)/g)].map(m => m[1]),
    ),
  ];
}

/** README images this run did not retake (empty when every one was). */
export function readmeImagesNotRetaken() {
  return readmeImageNames().filter(
    name => !existsSync(join(readmeShotsDir, `${name}.png`)),
  );
}
