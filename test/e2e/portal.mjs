/**
 * The portal for the browser tests: the production build of the frontend
 * served by the backend (app.baseUrl = backend.baseUrl), the demo catalog,
 * in-memory SQLite. Starting the backend is test/stack/portal.mjs's job (the
 * live alerting test and `npm run demo:stack` use it too); this file adds the
 * frontend build and a self-contained handle.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPortal as startStackPortal } from '../stack/portal.mjs';
import { ProcessGroup } from '../stack/processes.mjs';
import { repoRoot } from '../stack/ts.mjs';

export { repoRoot };

/** Builds packages/app, unless REDLINE_E2E_REUSE_BUILD is set and a build exists. */
export function buildFrontend() {
  const dist = join(repoRoot, 'packages/app/dist/index.html');
  if (process.env.REDLINE_E2E_REUSE_BUILD && existsSync(dist)) return;
  const started = Date.now();
  const result = spawnSync('npx', ['backstage-cli', 'package', 'build'], {
    cwd: join(repoRoot, 'packages/app'),
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('frontend build failed');
  console.log(
    `frontend built in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

/** Starts the portal; `stop()` ends the backend and removes its work directory. */
export async function startPortal({ extraConfig = {}, echo = false } = {}) {
  const group = new ProcessGroup();
  const workDir = mkdtempSync(join(tmpdir(), 'redline-e2e-'));
  try {
    const portal = await startStackPortal(group, {
      workDir,
      extraConfig,
      echo,
    });
    if (!portal.servesApp)
      throw new Error(
        'the backend does not serve the built app (packages/app/dist missing?)',
      );
    return {
      ...portal,
      stop: async () => {
        await group.stopAll();
        rmSync(workDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await group.stopAll();
    throw error;
  }
}
