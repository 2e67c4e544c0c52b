import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { main } from '../index';
import type { CliIo } from '../io';
import { syncCommand } from './sync';

function recorder(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: l => stdout.push(l), err: l => stderr.push(l) };
}

interface Seen {
  method?: string;
  url?: string;
  authorization?: string;
  body: unknown;
}

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** How long the backend takes before it answers. */
  delayMs?: number;
}

/**
 * A stand-in for the backend's sync routes: `answers` is called with each
 * request (method and URL) and says what to answer.
 */
async function backend(answers: Answer | ((seen: Seen) => Answer)) {
  const seen: Seen[] = [];
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request: Seen = {
      method: req.method,
      url: req.url,
      authorization: req.headers.authorization,
      body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null'),
    };
    seen.push(request);
    const answer = typeof answers === 'function' ? answers(request) : answers;
    if (answer.delayMs) await sleep(answer.delayMs);
    if (res.destroyed) return;
    res.writeHead(answer.status, {
      'content-type': 'application/json',
      ...answer.headers,
    });
    res.end(JSON.stringify(answer.body));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise(resolve => {
        server.close(resolve);
        // A late answer still pending must not hold the test open.
        server.closeAllConnections();
      }),
  };
}

const RUN = {
  id: 'run-1',
  target: 'mimir',
  dryRun: false,
  status: 'running',
  startedAt: '2026-11-30T23:00:00.000Z',
  actor: 'user:default/ada',
};
const RUN_PATH = '/api/observability/sync/runs/run-1';
const FAST = { pollMs: 20 };

/**
 * A backend that starts run-1 on `POST /sync` and answers each `GET` of it
 * with the next of `polls` (the last one repeated).
 */
function runningBackend(polls: Answer[], prefix = '') {
  let next = 0;
  return backend(request => {
    if (request.method === 'POST')
      return {
        status: 202,
        body: RUN,
        headers: { location: RUN_PATH },
      };
    if (request.url !== `${prefix}${RUN_PATH}`)
      return { status: 404, body: { error: { message: 'wrong path' } } };
    const answer = polls[Math.min(next, polls.length - 1)];
    next += 1;
    return answer;
  });
}

const PLAN_LINES = [
  'group:default/payments',
  '  + component:default/checkout  redline:checkout:red',
  '1 added, 0 changed, 0 removed group(s); 1 namespace(s) to write, 0 to delete.',
];

describe('redline sync', () => {
  it('asks for a dry run with the token from REDLINE_TOKEN and prints the plan', async () => {
    const server = await backend({
      status: 200,
      body: {
        formatted: PLAN_LINES,
        entities: 3,
        undescribed: [],
        durationMs: 12,
      },
    });
    const io = recorder();
    try {
      const code = await syncCommand(
        ['--backend', `${server.url}/`, '--target', 'mimir', '--dry-run'],
        io,
        { REDLINE_TOKEN: 'env-token' },
      );
      expect(code).toBe(0);
      expect(server.seen).toEqual([
        {
          method: 'POST',
          url: '/api/observability/sync',
          authorization: 'Bearer env-token',
          body: { target: 'mimir', dryRun: true },
        },
      ]);
      expect(io.stdout).toEqual([
        ...PLAN_LINES,
        'Dry run over 3 entities: nothing was changed.',
      ]);
      expect(io.stderr).toEqual([]);
    } finally {
      await server.close();
    }
  });

  const SUCCEEDED = {
    ...RUN,
    status: 'succeeded',
    finishedAt: '2026-11-30T23:01:30.000Z',
    plan: { teams: [], writes: [], deletes: [] },
    formatted: PLAN_LINES,
    entities: 3,
    undescribed: [{ entityRef: 'component:default/odd', message: 'bad spec' }],
    applied: {
      namespacesWritten: 1,
      namespacesDeleted: 0,
      failed: 0,
      requests: 4,
      bytesWritten: 2048,
    },
    durationMs: 40,
  };

  it('starts a sync with --token, follows the run until it ends and prints what was done', async () => {
    const server = await runningBackend([
      { status: 200, body: RUN },
      { status: 200, body: RUN },
      { status: 200, body: SUCCEEDED },
    ]);
    const io = recorder();
    try {
      const code = await syncCommand(
        ['--backend', server.url, '--target', 'mimir', '--token', 'flag-token'],
        io,
        { REDLINE_TOKEN: 'env-token' },
        FAST,
      );
      expect(code).toBe(0);
      expect(server.seen[0]).toMatchObject({
        method: 'POST',
        authorization: 'Bearer flag-token',
        body: { target: 'mimir', dryRun: false },
      });
      expect(server.seen.slice(1)).toEqual(
        Array(3).fill({
          method: 'GET',
          url: RUN_PATH,
          authorization: 'Bearer flag-token',
          body: null,
        }),
      );
      expect(io.stdout).toEqual([
        ...PLAN_LINES,
        'Synced 3 entities in 40 ms: 1 namespace(s) written, 0 deleted, 4 request(s), 2048 bytes.',
      ]);
      expect(io.stderr).toEqual([
        'redline sync: component:default/odd could not be described and was left as it is: bad spec',
      ]);
    } finally {
      await server.close();
    }
  });

  it('prints the answer of an older backend that syncs within the request', async () => {
    const { id, status, startedAt, actor, finishedAt, ...answer } = SUCCEEDED;
    const server = await backend({ status: 200, body: answer });
    const io = recorder();
    try {
      expect(
        await syncCommand(
          ['--backend', server.url, '--target', 'mimir'],
          io,
          {},
        ),
      ).toBe(0);
      expect(server.seen).toHaveLength(1);
      expect(io.stdout.at(-1)).toMatch(/^Synced 3 entities in 40 ms/);
    } finally {
      await server.close();
    }
  });

  it('follows the run under a --backend with a path prefix', async () => {
    const server = await runningBackend(
      [{ status: 200, body: SUCCEEDED }],
      '/backstage',
    );
    const io = recorder();
    try {
      const code = await syncCommand(
        ['--backend', `${server.url}/backstage/`, '--target', 'mimir'],
        io,
        {},
        FAST,
      );
      expect(code).toBe(0);
      expect(server.seen.map(s => s.url)).toEqual([
        '/backstage/api/observability/sync',
        `/backstage${RUN_PATH}`,
      ]);
    } finally {
      await server.close();
    }
  });

  it('keeps asking while the backend does not answer for a moment', async () => {
    const server = await runningBackend([
      { status: 503, body: { error: { message: 'restarting' } } },
      { status: 200, body: SUCCEEDED },
    ]);
    const io = recorder();
    try {
      expect(
        await syncCommand(
          ['--backend', server.url, '--target', 'mimir'],
          io,
          {},
          FAST,
        ),
      ).toBe(0);
      expect(server.seen).toHaveLength(3);
    } finally {
      await server.close();
    }
  });

  it('fails with the reason of a run that failed', async () => {
    const server = await runningBackend([
      {
        status: 200,
        body: {
          ...RUN,
          status: 'failed',
          error: 'mimir ruler answered 401: no org id',
        },
      },
    ]);
    const io = recorder();
    try {
      expect(
        await syncCommand(
          ['--backend', server.url, '--target', 'mimir'],
          io,
          {},
          FAST,
        ),
      ).toBe(1);
      expect(io.stdout).toEqual([]);
      expect(io.stderr).toEqual([
        'redline sync: the sync failed: mimir ruler answered 401: no org id',
      ]);
    } finally {
      await server.close();
    }
  });

  it('fails when the backend no longer knows the run', async () => {
    const server = await runningBackend([
      {
        status: 404,
        body: {
          error: { name: 'NotFoundError', message: "No sync run 'run-1'" },
        },
      },
    ]);
    const io = recorder();
    try {
      expect(
        await syncCommand(
          ['--backend', server.url, '--target', 'mimir'],
          io,
          {},
          FAST,
        ),
      ).toBe(1);
      expect(io.stderr).toEqual([
        "redline sync: No sync run 'run-1' (HTTP 404)",
      ]);
    } finally {
      await server.close();
    }
  });

  /**
   * `redline sync --timeout 1s` against `polls`: exit code, wall time, the
   * requests seen and what was printed.
   */
  async function waitOneSecond(polls: Answer[]) {
    const server = await runningBackend(polls);
    const io = recorder();
    try {
      const started = Date.now();
      const code = await syncCommand(
        ['--backend', server.url, '--target', 'mimir', '--timeout', '1s'],
        io,
        {},
        { pollMs: 100 },
      );
      return {
        code,
        ms: Date.now() - started,
        gets: server.seen.filter(seen => seen.method === 'GET').length,
        stderr: io.stderr,
        stillRunning: `redline sync: the sync is still running after 1 s; it goes on in the backend, see ${server.url}${RUN_PATH}`,
      };
    } finally {
      await server.close();
    }
  }

  it('gives up waiting after --timeout and says where the run goes on', async () => {
    const waited = await waitOneSecond([{ status: 200, body: RUN }]);
    expect(waited.code).toBe(1);
    expect(waited.ms).toBeGreaterThanOrEqual(900);
    expect(waited.ms).toBeLessThan(3000);
    expect(waited.gets).toBeGreaterThan(1);
    expect(waited.stderr).toEqual([waited.stillRunning]);
  });

  it('does not blame the backend for the poll its own deadline cut short', async () => {
    const waited = await waitOneSecond([
      { status: 200, body: RUN },
      { status: 200, body: RUN, delayMs: 3000 },
    ]);
    expect(waited.code).toBe(1);
    // The second poll was still waiting for its answer when the wait ended.
    expect(waited.gets).toBe(2);
    expect(waited.ms).toBeLessThan(2500);
    expect(waited.stderr).toEqual([waited.stillRunning]);
  });

  it("fails with the server's message", async () => {
    const server = await backend({
      status: 403,
      body: {
        error: {
          name: 'NotAllowedError',
          message:
            'Syncing rules needs the permission observability.artifacts.apply',
        },
        response: { statusCode: 403 },
      },
    });
    const io = recorder();
    try {
      expect(
        await main(['sync', '--backend', server.url, '--target', 'mimir'], io),
      ).toBe(1);
      expect(io.stderr).toEqual([
        'redline sync: Syncing rules needs the permission observability.artifacts.apply (HTTP 403)',
      ]);
    } finally {
      await server.close();
    }
  });

  it('fails when some namespace could not be changed', async () => {
    const server = await runningBackend([
      {
        status: 200,
        body: {
          ...SUCCEEDED,
          undescribed: [],
          applied: { ...SUCCEEDED.applied, namespacesWritten: 0, failed: 1 },
        },
      },
    ]);
    const io = recorder();
    try {
      expect(
        await syncCommand(
          ['--backend', server.url, '--target', 'mimir'],
          io,
          {},
          FAST,
        ),
      ).toBe(1);
      expect(io.stderr.at(-1)).toMatch(/1 namespace\(s\) could not be changed/);
    } finally {
      await server.close();
    }
  });

  it('fails when the backend cannot be reached', async () => {
    const server = await backend({ status: 200, body: {} });
    const { url } = server;
    await server.close();
    const io = recorder();
    expect(await syncCommand(['--backend', url, '--target', 'm'], io, {})).toBe(
      1,
    );
    expect(io.stderr[0]).toMatch(
      /^redline sync: could not reach http:\/\/127\.0\.0\.1:\d+/,
    );
  });

  it.each([
    [['--target', 'mimir'], /--backend must be an http\(s\) URL/],
    [['--backend', 'http://x'], /--target is required/],
    [
      ['--backend', 'http://x', '--target', 'm', 'extra'],
      /unexpected argument extra/,
    ],
    [
      ['--backend', 'http://x', '--target', 'm', '--timeout', '15 minutes'],
      /--timeout must be a duration such as 90s, 15m or 1h/,
    ],
    [
      ['--backend', 'http://x', '--target', 'm', '--timeout', '0'],
      /--timeout must be a duration/,
    ],
  ])('answers bad usage %j with exit code 2', async (args, message) => {
    const io = recorder();
    expect(await syncCommand(args, io, {})).toBe(2);
    expect(io.stderr[0]).toMatch(message);
  });
});
