#!/usr/bin/env node
/**
 * The adopter test: Redline as someone outside this repository gets it.
 * Builds and packs the three plugins, renders a fresh app from the pinned
 * release's create-app template into a temporary folder (npm workspaces),
 * installs the tarballs, wires them as the README says (new frontend system,
 * plus the legacy-system snippet, which must type-check), checks that one
 * `@backstage/backend-plugin-api` is installed, type-checks, starts the
 * backend and opens the tab and the coverage page in Chromium.
 *
 * Runs on whatever Node runs it (CI: Node 22). Each step's time is printed;
 * exit code 1 names the step that failed. The npm cache is reused
 * (`--prefer-offline`); REDLINE_ADOPTER_KEEP=1 keeps the temporary folder.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../stack/ts.mjs';
import { checkInBrowser } from './browserCheck.mjs';
import { fetchCreateApp, renderApp } from './renderTemplate.mjs';
import { waitForPortalData } from './portalReady.mjs';
import { adopterConfig, DEMO_ENTITY, PACKAGES, wireRedline } from './wire.mjs';
import { freePort, ProcessGroup, waitUntil } from '../stack/processes.mjs';

const CHROMIUM = '/usr/bin/chromium';
/**
 * Installed once each, or the app mixes Backstage releases: two
 * `plugin-catalog-react`s mean two entity contexts, and the tab finds none.
 */
const SINGLE_VERSION = [
  '@backstage/backend-plugin-api',
  '@backstage/plugin-catalog-react',
  '@backstage/frontend-plugin-api',
  '@backstage/core-plugin-api',
  ...Object.values(PACKAGES),
];
const PLUGIN_DIRS = {
  common: 'plugins/observability-common',
  backend: 'plugins/observability-backend',
  frontend: 'plugins/observability',
};

const workDir = mkdtempSync(join(tmpdir(), 'redline-adopter-'));
const appDir = join(workDir, 'app');
const tarballDir = join(workDir, 'tarballs');
const group = new ProcessGroup();

async function step(name, fn) {
  const started = Date.now();
  console.log(`\n--- adopter: ${name}`);
  const value = await fn();
  console.log(
    `--- adopter: ${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return value;
}

/** Runs a command with its output shown; throws with the command on failure. */
function sh(cwd, command, args) {
  execFileSync(command, args, { cwd, stdio: 'inherit' });
}

function buildPlugins() {
  // For iterating on this test only: CI always builds.
  if (process.env.REDLINE_ADOPTER_REUSE_BUILD) return;
  // The packages' type declarations come from the repository-wide tsc.
  sh(repoRoot, 'npx', ['tsc']);
  for (const dir of Object.values(PLUGIN_DIRS))
    sh(join(repoRoot, dir), 'npx', ['backstage-cli', 'package', 'build']);
}

/** `npm pack` in `cwd`; prepack applies publishConfig, postpack restores package.json. */
function pack(cwd) {
  try {
    return JSON.parse(
      execFileSync(
        'npm',
        ['pack', '--json', '--pack-destination', tarballDir],
        {
          cwd,
          encoding: 'utf8',
        },
      ),
    )[0];
  } finally {
    // npm skips postpack when packing fails: never leave the rewritten
    // package.json in the working tree.
    if (existsSync(join(cwd, 'package.json-prepack')))
      sh(cwd, 'npx', ['backstage-cli', 'package', 'postpack']);
  }
}

function packPlugins() {
  mkdirSync(tarballDir, { recursive: true });
  const tarballs = {};
  for (const [key, dir] of Object.entries(PLUGIN_DIRS)) {
    const packed = pack(join(repoRoot, dir));
    tarballs[key] = join(tarballDir, packed.filename);
    const kB = (statSync(tarballs[key]).size / 1024).toFixed(1);
    console.log(`${packed.filename}: ${kB} kB, ${packed.entryCount} files`);
  }
  return tarballs;
}

/** Every installed version of each of `names`, as `npm ls` finds them. */
function installedVersions(names) {
  let out;
  try {
    out = execFileSync('npm', ['ls', ...names, '--all', '--json'], {
      cwd: appDir,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    // npm ls exits 1 on any problem in the tree but still prints it.
    out = error.stdout;
  }
  const versions = new Map(names.map(name => [name, new Set()]));
  const walk = deps => {
    for (const [name, dep] of Object.entries(deps ?? {})) {
      if (versions.has(name) && dep.version)
        versions.get(name).add(dep.version);
      walk(dep.dependencies);
    }
  };
  walk(JSON.parse(out).dependencies);
  return versions;
}

async function startBackend() {
  const port = await freePort();
  const configFile = join(workDir, 'app-config.adopter.yaml');
  writeFileSync(configFile, adopterConfig(port));
  const backend = group.spawn(
    'adopter backend',
    'npx',
    [
      'backstage-cli',
      'package',
      'start',
      '--config',
      '../../app-config.yaml',
      '--config',
      configFile,
    ],
    {
      cwd: join(appDir, 'packages/backend'),
      logFile: join(workDir, 'backend.log'),
    },
  );
  const baseUrl = `http://localhost:${port}`;
  await waitUntil(
    'the adopter app on its backend',
    async () => {
      if (!backend.running)
        throw new Error(`backend exited:\n${backend.tail()}`);
      const res = await fetch(`${baseUrl}/catalog`);
      return res.ok;
    },
    { timeoutMs: 180_000, intervalMs: 1000 },
  );
  return { baseUrl, backend };
}

let failed = false;
try {
  if (!existsSync(CHROMIUM)) {
    const message = `'chromium' not found: install it with 'apt-get install -y --no-install-recommends chromium'`;
    if (process.env.CI) throw new Error(`${message} (required in CI)`);
    console.warn(`\n!!! SKIPPING the adopter test: ${message}\n`);
    process.exit(0);
  }
  console.log(`adopter test on Node ${process.version} in ${workDir}`);
  await step('build the plugins', buildPlugins);
  const tarballs = await step('pack the plugins', packPlugins);
  await step('render the create-app template', () =>
    renderApp(fetchCreateApp(workDir), appDir),
  );
  await step('wire Redline as the README says', () =>
    wireRedline(appDir, tarballs),
  );
  await step('npm install', () =>
    sh(appDir, 'npm', [
      'install',
      // The packages come from the cache CI's own `npm ci` filled.
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--legacy-peer-deps',
    ]),
  );
  await step('one version of each core package', () => {
    for (const [name, found] of installedVersions(SINGLE_VERSION)) {
      const versions = [...found];
      if (versions.length !== 1)
        throw new Error(
          `${name} installed in ${versions.length} versions: ${versions.join(
            ', ',
          )}`,
        );
      console.log(`${name} ${versions[0]}`);
    }
  });
  await step('type-check (new and legacy frontend wiring)', () =>
    sh(appDir, 'npx', ['tsc', '--noEmit']),
  );
  await step('build the app', () =>
    sh(join(appDir, 'packages/app'), 'npx', [
      'backstage-cli',
      'package',
      'build',
    ]),
  );
  const { baseUrl } = await step('start the backend', startBackend);
  await step('catalog ingested, coverage evaluated', () =>
    waitForPortalData(baseUrl, DEMO_ENTITY),
  );
  await step('tab and coverage page in Chromium', () =>
    checkInBrowser(CHROMIUM, baseUrl),
  );
  console.log('\nadopter: ok');
} catch (error) {
  failed = true;
  console.error(`\nadopter: FAILED: ${error?.stack ?? error}`);
  const log = join(workDir, 'backend.log');
  if (existsSync(log)) console.error(`(backend log: ${log})`);
} finally {
  await group.stopAll();
  // Thousands of files: on a busy disk this takes minutes, so it is timed too.
  if (!process.env.REDLINE_ADOPTER_KEEP && !failed)
    await step('remove the temporary app', () =>
      rmSync(workDir, { recursive: true, force: true }),
    );
}
process.exit(failed ? 1 : 0);
