/**
 * Starts the real portal for end-to-end tests: the production build of the
 * frontend served by the backend (app.baseUrl = backend.baseUrl), the demo
 * catalog, in-memory SQLite. Shared by the browser tests and the live
 * alerting test so both exercise what a user would run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

export const repoRoot = new URL('../..', import.meta.url).pathname;

/** A free loopback port (listen on 0, read it, close). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Builds packages/app once per run unless a build is already there and REDLINE_E2E_REUSE_BUILD is set. */
export function buildFrontend() {
  const dist = join(repoRoot, 'packages/app/dist/index.html');
  if (process.env.REDLINE_E2E_REUSE_BUILD && existsSync(dist)) return;
  const started = Date.now();
  const result = spawnSync('npx', ['backstage-cli', 'package', 'build'], {
    cwd: join(repoRoot, 'packages/app'),
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('frontend build failed');
  console.log(`frontend built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function waitFor(what, probe, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      if (await probe()) return;
    } catch (e) {
      lastError = e;
    }
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${lastError.message}` : ''}`);
}

/** Guest token, as the app gets it (FEASIBILITY: anonymous catalog calls are 401). */
export async function guestToken(baseUrl) {
  const res = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  if (!res.ok) throw new Error(`guest refresh: HTTP ${res.status}`);
  const body = await res.json();
  return body.backstageIdentity.token;
}

/**
 * Starts the backend serving the built app. `extraConfig` is merged over
 * app-config.yaml (later config files win). Resolves once the catalog has
 * ingested `waitForEntity`.
 */
export async function startPortal({ extraConfig = {}, waitForEntity = 'component:default/checkout', log = false } = {}) {
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'redline-portal-'));
  const configFile = join(dir, 'app-config.e2e.yaml');
  const config = {
    app: { baseUrl },
    backend: { baseUrl, listen: { port, host: '127.0.0.1' }, cors: { origin: baseUrl } },
    ...extraConfig,
    observability: { portalBaseUrl: baseUrl, ...(extraConfig.observability ?? {}) },
  };
  writeFileSync(configFile, stringify(config));
  // Run the backend's TypeScript through the CLI's node transform rather than
  // `backstage-cli package start`, which watches files and restarts on change.
  const child = spawn(
    process.execPath,
    [
      '--require',
      '@backstage/cli/config/nodeTransform.cjs',
      'src/index.ts',
      '--config',
      '../../app-config.yaml',
      '--config',
      configFile,
    ],
    { cwd: join(repoRoot, 'packages/backend'), detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'development' } },
  );
  let output = '';
  const keep = chunk => {
    output = (output + chunk.toString()).slice(-20000);
    if (log) process.stdout.write(chunk);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const stop = () =>
    new Promise(resolve => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        resolve();
      }
      setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 5000).unref();
    });
  try {
    await waitFor(
      'the portal and the demo catalog',
      async () => {
        if (child.exitCode !== null) throw new Error(`backend exited (${child.exitCode})`);
        const token = await guestToken(baseUrl);
        const [kind, rest] = waitForEntity.split(':');
        const [namespace, name] = rest.split('/');
        const res = await fetch(`${baseUrl}/api/catalog/entities/by-name/${kind}/${namespace}/${name}`, {
          headers: { Authorization: `Bearer ${token}` },
        });
        return res.ok;
      },
      180_000,
    );
  } catch (e) {
    await stop();
    console.error(output);
    throw e;
  }
  return { baseUrl, port, stop, output: () => output, token: () => guestToken(baseUrl) };
}
