/**
 * Starts the portal backend (serving the built app at app.baseUrl =
 * backend.baseUrl) for the live stack.
 *
 * Not through `backstage-cli package start`: that wraps the backend in a file
 * watcher that restarts it whenever a source file it loaded changes, which in
 * a shared work tree (or while someone edits) restarts the backend mid-test
 * and, with in-memory SQLite, forgets the catalog. This runs the same entry
 * point with the same on-the-fly TypeScript loader, once.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort, waitUntil } from './processes.mjs';
import { guestToken } from './portal-api.mjs';
import { repoRoot } from './ts.mjs';

const require = createRequire(import.meta.url);

/**
 * Writes `<workDir>/app-config.stack.yaml` (`extraConfig` plus the URLs) and
 * starts the backend with `--config app-config.yaml --config <that file>`.
 * `nodeArgs` go to Node before the entry point (e.g. `--cpu-prof`); `env`
 * is added to the backend's environment.
 * Resolves once the catalog serves `waitForEntity`. Returns
 * `{ baseUrl, port, configFile, servesApp, handle, stop(), output(), token() }`;
 * `servesApp` is false when packages/app/dist was missing (or being rebuilt)
 * as the backend started.
 */
export async function startPortal(
  group,
  {
    workDir,
    extraConfig = {},
    port,
    echo = false,
    waitForEntity = 'component:default/checkout',
    timeoutMs = 240_000,
    nodeArgs = [],
    env = {},
  },
) {
  port ??= await freePort();
  const baseUrl = `http://localhost:${port}`;
  const configFile = join(workDir, 'app-config.stack.yaml');
  const { observability = {}, ...rest } = extraConfig;
  writeFileSync(
    configFile,
    stringify({
      ...rest,
      app: { baseUrl, ...rest.app },
      backend: {
        baseUrl,
        listen: { port, host: '127.0.0.1' },
        cors: { origin: baseUrl },
        ...rest.backend,
      },
      observability: { portalBaseUrl: baseUrl, ...observability },
    }),
  );
  const backendDir = join(repoRoot, 'packages/backend');
  const handle = group.spawn(
    'portal',
    process.execPath,
    [
      ...nodeArgs,
      '--enable-source-maps',
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      'src/index.ts',
      '--config',
      '../../app-config.yaml',
      '--config',
      configFile,
    ],
    {
      cwd: backendDir,
      env: { NODE_ENV: process.env.NODE_ENV ?? 'development', ...env },
      logFile: join(workDir, 'portal.log'),
      echo,
    },
  );
  const [kind, rest2] = waitForEntity.split(':');
  const [namespace, name] = rest2.split('/');
  try {
    await waitUntil(
      `the portal at ${baseUrl} serving ${waitForEntity}`,
      async () => {
        if (!handle.running) throw new Error('the backend exited');
        const token = await guestToken(baseUrl);
        const res = await fetch(
          `${baseUrl}/api/catalog/entities/by-name/${kind}/${namespace}/${name}`,
          {
            headers: { Authorization: `Bearer ${token}` },
          },
        );
        return res.ok;
      },
      { timeoutMs, intervalMs: 1000 },
    );
  } catch (error) {
    throw new Error(
      `${error.message}\n--- ${handle.logFile} ---\n${handle.tail(40)}`,
    );
  }
  // app-backend decides once, at start, whether packages/app/dist/static
  // exists; a build running elsewhere at that moment means no frontend.
  const home = await fetch(baseUrl).catch(error => ({
    status: 0,
    headers: new Headers(),
    error,
  }));
  const servesApp =
    home.status === 200 &&
    (home.headers.get('content-type') ?? '').includes('text/html');
  return {
    baseUrl,
    port,
    configFile,
    servesApp,
    handle,
    stop: () => handle.stop(),
    output: () => handle.tail(200),
    token: () => guestToken(baseUrl),
  };
}
