/**
 * A throwaway PostgreSQL cluster for tests that must prove something on the
 * real database (migrations, upserts, the scheduler's cross-replica locking).
 *
 * Debian's server binaries refuse to run as root, so when the tests run as
 * root the cluster is initialised and started as the `postgres` user in a
 * temporary directory it owns. The server listens on a free loopback port
 * only (no Unix socket outside the temp dir) with trust authentication, and
 * `stop()` removes everything again.
 *
 * Startup is synchronous on purpose: `TestDatabases.create()` decides which
 * engines are available from environment variables at module level, before
 * any `beforeAll` could run, so the cluster must exist by then.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestDatabases, TestDatabaseId } from '@backstage/backend-test-utils';
import { findBinary, requireBinary } from './binaries';

/** The environment variable `TestDatabases` reads for `POSTGRES_15`. */
export const POSTGRES15_ENV =
  'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';

/** A running throwaway cluster. */
export interface TestPostgres {
  /** `postgresql://postgres@127.0.0.1:<port>/postgres`, superuser, no password. */
  connectionString: string;
  host: string;
  port: number;
  user: string;
  dataDir: string;
  /** Stops the server and deletes its directory; safe to call twice. */
  stop(): void;
}

/**
 * A free TCP port on loopback, found synchronously by asking a child Node
 * process to bind port 0 (a listening socket in this process would need an
 * async round trip).
 */
function freePortSync(): number {
  const script =
    "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close();});";
  return Number(
    execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }),
  );
}

/** Runs a command as `postgres` when we are root, as ourselves otherwise. */
function runAsServerUser(binary: string, args: string[]): string {
  const asRoot = process.getuid?.() === 0;
  const [cmd, cmdArgs] = asRoot
    ? ['runuser', ['-u', 'postgres', '--', binary, ...args]]
    : [binary, args];
  return execFileSync(cmd, cmdArgs, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    // pg_ctl must not inherit our cwd if postgres cannot read it (e.g. /root).
    cwd: tmpdir(),
    timeout: 60_000,
  });
}

function postgresIds(): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(
      execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }),
    );
    const gid = Number(
      execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }),
    );
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/**
 * Starts a cluster and returns it. Throws when the binaries are there but the
 * cluster does not come up (that is a real failure, never a skip).
 */
export function startTestPostgres(): TestPostgres {
  const initdb = findBinary('initdb');
  const pgCtl = findBinary('pg_ctl');
  if (!initdb || !pgCtl) {
    throw new Error('initdb / pg_ctl not found (install postgresql)');
  }
  const root = mkdtempSync(join(tmpdir(), 'redline-pg-'));
  const dataDir = join(root, 'data');
  const socketDir = root;
  if (process.getuid?.() === 0) {
    const ids = postgresIds();
    if (!ids)
      throw new Error("running as root but there is no 'postgres' user");
    chownSync(root, ids.uid, ids.gid);
  }
  chmodSync(root, 0o700);

  const stop = () => {
    try {
      runAsServerUser(pgCtl, ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // already stopped, or never started
    }
    rmSync(root, { recursive: true, force: true });
  };

  try {
    runAsServerUser(initdb, [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '--encoding=UTF8',
      '--no-sync',
    ]);
    // Retry on a port race: another process may grab the port we found.
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = freePortSync();
      const options = [
        `-c listen_addresses=127.0.0.1`,
        `-c port=${port}`,
        `-c unix_socket_directories=${socketDir}`,
        `-c fsync=off`,
        `-c synchronous_commit=off`,
        `-c full_page_writes=off`,
        `-c max_connections=200`,
      ].join(' ');
      try {
        runAsServerUser(pgCtl, [
          '-D',
          dataDir,
          '-o',
          options,
          '-l',
          join(root, 'server.log'),
          '-w',
          '-t',
          '30',
          'start',
        ]);
        break;
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
    const host = '127.0.0.1';
    return {
      connectionString: `postgresql://postgres@${host}:${port}/postgres`,
      host,
      port,
      user: 'postgres',
      dataDir,
      stop,
    };
  } catch (error) {
    stop();
    const stderr = (error as { stderr?: string }).stderr;
    throw new Error(
      `could not start a throwaway PostgreSQL cluster: ${
        stderr || String(error)
      }`,
    );
  }
}

/**
 * For test files that run over SQLite and PostgreSQL: starts a cluster when
 * `initdb` exists, points `TestDatabases`' POSTGRES_15 at it and creates the
 * `TestDatabases`, whose own cleanup (dropping the test databases) is
 * registered before the cluster's stop so it runs while the server is up.
 * In CI a missing `initdb` fails (see `requireBinary`); locally it warns
 * loudly and only SQLite is used.
 */
export function createTestDatabases(): {
  databases: TestDatabases;
  ids: TestDatabaseId[];
  postgres?: TestPostgres;
} {
  if (!requireBinary('initdb') || !requireBinary('pg_ctl')) {
    const ids: TestDatabaseId[] = ['SQLITE_3'];
    return { databases: TestDatabases.create({ ids }), ids };
  }
  const postgres = startTestPostgres();
  process.env[POSTGRES15_ENV] = postgres.connectionString;
  // Also on exit: a crashed worker must not leave a server behind.
  process.once('exit', postgres.stop);
  const ids: TestDatabaseId[] = ['SQLITE_3', 'POSTGRES_15'];
  const databases = TestDatabases.create({ ids });
  afterAll(() => {
    delete process.env[POSTGRES15_ENV];
    postgres.stop();
  });
  return { databases, ids, postgres };
}
