/**
 * Tests that need a real program (promtool, amtool, prometheus, chromium,
 * PostgreSQL) call `requireBinary` at module level. In CI (`CI` set) a missing
 * program fails the suite; locally the suite is skipped with a loud message
 * naming the Debian package to install, so a laptop without Prometheus can
 * still run everything else.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian package that ships each binary we use. */
const PACKAGES: Record<string, string> = {
  promtool: 'prometheus',
  prometheus: 'prometheus',
  amtool: 'prometheus-alertmanager',
  'prometheus-alertmanager': 'prometheus-alertmanager',
  chromium: 'chromium',
  initdb: 'postgresql',
  pg_ctl: 'postgresql',
  vmalert: 'victoria-metrics',
  'victoria-metrics': 'victoria-metrics',
};

const EXTRA_DIRS = ['/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/16/bin'];

/** Absolute path of `name`, or undefined. */
export function findBinary(name: string): string | undefined {
  try {
    const out = execFileSync('sh', ['-c', `command -v ${name}`], {
      encoding: 'utf8',
    }).trim();
    if (out) return out;
  } catch {
    // not on PATH; try the versioned PostgreSQL directories below
  }
  for (const dir of EXTRA_DIRS) {
    if (existsSync(`${dir}/${name}`)) return `${dir}/${name}`;
  }
  return undefined;
}

/**
 * Returns the binary's path, or undefined after printing a warning when not in
 * CI. Throws in CI so a missing install step can never pass silently.
 */
export function requireBinary(name: string): string | undefined {
  const path = findBinary(name);
  if (path) return path;
  const pkg = PACKAGES[name] ?? name;
  const message = `'${name}' not found: install it with 'apt-get install -y --no-install-recommends ${pkg}'`;
  if (process.env.CI) {
    throw new Error(`${message} (required in CI)`);
  }
  // eslint-disable-next-line no-console
  console.warn(`\n!!! SKIPPING: ${message}\n`);
  return undefined;
}

/** `describe` when the binary exists, otherwise `describe.skip` (never in CI: see requireBinary). */
export function describeWithBinary(
  name: string,
): (title: string, fn: (binaryPath: string) => void) => void {
  const path = requireBinary(name);
  return (title, fn) =>
    path ? describe(title, () => fn(path)) : describe.skip(title, () => fn(''));
}
