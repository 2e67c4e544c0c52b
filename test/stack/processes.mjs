/**
 * Child-process bookkeeping for the live stack: every program is started in
 * its own process group (so a program's own children die with it), its output
 * goes to a log file, and one call stops them all — on Ctrl-C, on SIGTERM, on
 * an uncaught error. Nothing started here outlives the launcher unless the
 * launcher itself is SIGKILLed.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

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

/** `preferred` when nothing listens on it, else a free port: fixed ports are nicer in a demo, never required. */
export function portOrFree(preferred) {
  return new Promise(resolve => {
    const server = createServer();
    server.unref();
    server.once('error', () => freePort().then(resolve));
    server.listen(preferred, '127.0.0.1', () =>
      server.close(() => resolve(preferred)),
    );
  });
}

export const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

/**
 * Polls `probe` until it returns a truthy value (which is returned) or the
 * time is up. `probe` may throw; the last error is reported on timeout.
 */
export async function waitUntil(
  what,
  probe,
  { timeoutMs = 60_000, intervalMs = 500 } = {},
) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await sleep(intervalMs);
  }
  throw new Error(
    `timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${
      lastError ? `: ${lastError.message}` : ''
    }`,
  );
}

/** The processes one launcher started, stopped together. */
export class ProcessGroup {
  #children = [];
  #stopping;

  /**
   * Spawns `command` detached (own process group), output to `logFile`.
   * Returns a handle with `name`, `child`, `logFile`, `exited` (a promise of
   * the exit code), `tail()` and `stop()`.
   */
  spawn(name, command, args, { cwd, env, logFile, echo = false } = {}) {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = logFile
      ? createWriteStream(logFile, { flags: 'a' })
      : undefined;
    const forward = stream => chunk => {
      log?.write(chunk);
      if (echo) stream.write(chunk);
    };
    child.stdout.on('data', forward(process.stdout));
    child.stderr.on('data', forward(process.stderr));
    const exited = new Promise(resolve => {
      child.once('error', error => {
        log?.write(`spawn failed: ${error.message}\n`);
        resolve(-1);
      });
      child.once('exit', (code, signal) => resolve(code ?? signal));
    });
    const handle = {
      name,
      child,
      logFile,
      exited,
      get running() {
        return (
          child.exitCode === null &&
          child.signalCode === null &&
          child.pid !== undefined
        );
      },
      tail: (lines = 40) => tailFile(logFile, lines),
      stop: (timeoutMs = 10_000) => stopChild(handle, timeoutMs),
    };
    exited.then(() => log?.end());
    this.#children.push(handle);
    return handle;
  }

  get children() {
    return [...this.#children];
  }

  /** True once `stopAll` was called: exits after that are expected. */
  get stopping() {
    return this.#stopping !== undefined;
  }

  /** Stops every child (in reverse start order), SIGTERM then SIGKILL. Idempotent. */
  stopAll(timeoutMs = 10_000) {
    this.#stopping ??= (async () => {
      for (const handle of [...this.#children].reverse()) {
        await handle.stop(timeoutMs);
      }
    })();
    return this.#stopping;
  }

  /** Last resort from a synchronous `exit` handler: SIGKILL every group still alive. */
  killAllNow() {
    for (const handle of this.#children) {
      if (handle.running) signalGroup(handle.child.pid, 'SIGKILL');
    }
  }
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

async function stopChild(handle, timeoutMs) {
  if (!handle.running) return;
  signalGroup(handle.child.pid, 'SIGTERM');
  const timer = setTimeout(
    () => signalGroup(handle.child.pid, 'SIGKILL'),
    timeoutMs,
  );
  await handle.exited;
  clearTimeout(timer);
  // The leader may exit before its children (backstage-cli waits for its
  // child, but be sure): sweep the group.
  signalGroup(handle.child.pid, 'SIGKILL');
}

function tailFile(file, lines) {
  if (!file) return '';
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * Runs `cleanup` once on SIGINT, SIGTERM, an uncaught error or normal exit,
 * then exits. `group.killAllNow()` is the synchronous fallback for `exit`.
 */
export function stopOnExit(group, cleanup) {
  let done = false;
  const run = async (reason, code) => {
    if (done) return;
    done = true;
    if (reason) process.stderr.write(`\n${reason}: stopping everything...\n`);
    try {
      await cleanup();
    } finally {
      process.exit(code);
    }
  };
  process.once('SIGINT', () => run('SIGINT', 130));
  process.once('SIGTERM', () => run('SIGTERM', 143));
  process.once('uncaughtException', error => {
    process.stderr.write(`${error.stack ?? error}\n`);
    run('uncaught error', 1);
  });
  process.once('unhandledRejection', error => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    run('unhandled rejection', 1);
  });
  process.once('exit', () => group.killAllNow());
  return code => run(undefined, code);
}
