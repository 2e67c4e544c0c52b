/**
 * Renders the app template of the pinned Backstage release
 * (`@backstage/create-app`'s `templates/default-app`) into an npm-workspaces
 * monorepo, the way FEASIBILITY.md found to work: create-app itself insists
 * on Yarn. Only the template's own `{{version '…'}}` and `{{defaultBranch}}`
 * placeholders exist, so a full Handlebars engine is not needed.
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { repoRoot } from '../stack/ts.mjs';

export const CREATE_APP = '@backstage/create-app@0.9.2';

/** Yarn's own files: npm would ignore them, and a stale yarn.lock misleads. */
const YARN_ONLY = ['.yarnrc.yml.hbs', 'yarn.lock', '.yarn'];

/** Unpacks create-app into `workDir/create-app` and returns its package folder. */
export function fetchCreateApp(workDir) {
  const into = join(workDir, 'create-app');
  mkdirSync(into, { recursive: true });
  const tarball = execFileSync(
    'npm',
    ['pack', CREATE_APP, '--silent', '--prefer-offline'],
    { cwd: into, encoding: 'utf8' },
  ).trim();
  execFileSync('tar', ['-xzf', tarball], { cwd: into });
  return join(into, 'package');
}

/**
 * Every `@backstage/*` version of the pinned release: the template's own list
 * plus the packages it pulls in indirectly, as Redline's root `overrides` pin
 * them for its own portal. The template's caret ranges alone resolve to the
 * newest release on a lockfile-less install, e.g. `plugin-catalog` 2.1.0 with
 * `plugin-catalog-react` 4.0.0 beside the 3.2.3 that `plugin-org` 0.7.9 and
 * Redline ask for, and `plugin-signals-backend` 0.3.21, whose
 * `httpRouter.addWebSocketHandler` the release's `backend-defaults` 0.18.0
 * lacks.
 */
function releasePins(packageVersions) {
  const repoOverrides = JSON.parse(
    readFileSync(join(repoRoot, 'package.json'), 'utf8'),
  ).overrides;
  const pins = {};
  for (const [name, version] of Object.entries({
    ...repoOverrides,
    ...packageVersions,
  }))
    if (name.startsWith('@backstage/')) pins[name] = version;
  for (const [name, version] of Object.entries(repoOverrides))
    if (packageVersions[name] && packageVersions[name] !== version)
      throw new Error(
        `${name}: the template pins ${packageVersions[name]}, Redline ${version}`,
      );
  return pins;
}

function render(text, versions) {
  return text
    .replace(/\{\{\s*version\s+'([^']+)'\s*\}\}/g, (_, name) => {
      const version = versions[name];
      if (!version)
        throw new Error(`template asks for unknown version ${name}`);
      return version;
    })
    .replace(/\{\{\s*defaultBranch\s*\}\}/g, 'main');
}

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter(entry => entry.isFile())
    .map(entry => join(entry.parentPath ?? entry.path, entry.name));
}

function editJson(file, edit) {
  const json = JSON.parse(readFileSync(file, 'utf8'));
  edit(json);
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
}

/** Writes the rendered app into `appDir` and returns the release's versions. */
export function renderApp(createAppDir, appDir) {
  const require = createRequire(join(createAppDir, 'package.json'));
  const { packageVersions } = require('./dist/lib/versions.cjs.js');
  const templateDir = join(createAppDir, 'templates/default-app');
  for (const file of listFiles(templateDir)) {
    const rel = relative(templateDir, file);
    if (YARN_ONLY.some(y => rel === y || rel.startsWith(`${y}/`))) continue;
    const target = join(appDir, rel.replace(/\.hbs$/, ''));
    mkdirSync(dirname(target), { recursive: true });
    if (rel.endsWith('.hbs'))
      writeFileSync(
        target,
        render(readFileSync(file, 'utf8'), packageVersions),
      );
    else cpSync(file, target);
  }
  rmSync(join(appDir, '.yarn'), { recursive: true, force: true });

  const pins = releasePins(packageVersions);
  editJson(join(appDir, 'package.json'), pkg => {
    delete pkg.packageManager;
    // npm's spelling of Yarn's `resolutions`.
    pkg.overrides = { ...pkg.resolutions, ...pins };
    delete pkg.resolutions;
    // npm refuses an override that differs from the root's own dependency
    // on the same package (EOVERRIDE).
    for (const name of Object.keys(pkg.devDependencies ?? {}))
      if (pins[name]) pkg.devDependencies[name] = pins[name];
  });
  // Yarn's `link:` protocol; npm links a workspace by its version.
  editJson(join(appDir, 'packages/backend/package.json'), pkg => {
    pkg.dependencies.app = '0.0.0';
  });
  // @material-ui/core 4 declares React ≤ 17 as a peer; the template uses 18.
  writeFileSync(join(appDir, '.npmrc'), 'legacy-peer-deps=true\n');
  return packageVersions;
}
