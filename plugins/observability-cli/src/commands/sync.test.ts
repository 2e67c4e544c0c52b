import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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

/** A stand-in for the backend's sync route, answering `status` and `body`. */
async function backend(status: number, body: unknown) {
  const seen: Seen[] = [];
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    seen.push({
      method: req.method,
      url: req.url,
      authorization: req.headers.authorization,
      body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null'),
    });
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise(resolve => server.close(resolve)),
  };
}

const PLAN_LINES = [
  'group:default/payments',
  '  + component:default/checkout  redline:checkout:red',
  '1 added, 0 changed, 0 removed group(s); 1 namespace(s) to write, 0 to delete.',
];

describe('redline sync', () => {
  it('asks for a dry run with the token from REDLINE_TOKEN and prints the plan', async () => {
    const server = await backend(200, {
      formatted: PLAN_LINES,
      entities: 3,
      undescribed: [],
      durationMs: 12,
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

  it('syncs with --token and prints what was done', async () => {
    const server = await backend(200, {
      formatted: PLAN_LINES,
      entities: 3,
      undescribed: [
        { entityRef: 'component:default/odd', message: 'bad spec' },
      ],
      applied: {
        namespacesWritten: 1,
        namespacesDeleted: 0,
        failed: 0,
        requests: 4,
        bytesWritten: 2048,
      },
      durationMs: 40,
    });
    const io = recorder();
    try {
      const code = await syncCommand(
        ['--backend', server.url, '--target', 'mimir', '--token', 'flag-token'],
        io,
        { REDLINE_TOKEN: 'env-token' },
      );
      expect(code).toBe(0);
      expect(server.seen[0]).toMatchObject({
        authorization: 'Bearer flag-token',
        body: { target: 'mimir', dryRun: false },
      });
      expect(io.stdout.at(-1)).toBe(
        'Synced 3 entities in 40 ms: 1 namespace(s) written, 0 deleted, 4 request(s), 2048 bytes.',
      );
      expect(io.stderr).toEqual([
        'redline sync: component:default/odd could not be described and was left as it is: bad spec',
      ]);
    } finally {
      await server.close();
    }
  });

  it("fails with the server's message", async () => {
    const server = await backend(403, {
      error: {
        name: 'NotAllowedError',
        message:
          'Syncing rules needs the permission observability.artifacts.apply',
      },
      response: { statusCode: 403 },
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
    const server = await backend(200, {
      formatted: PLAN_LINES,
      entities: 3,
      undescribed: [],
      applied: {
        namespacesWritten: 0,
        namespacesDeleted: 0,
        failed: 1,
        requests: 1,
        bytesWritten: 0,
      },
      durationMs: 5,
    });
    const io = recorder();
    try {
      expect(
        await syncCommand(
          ['--backend', server.url, '--target', 'mimir'],
          io,
          {},
        ),
      ).toBe(1);
      expect(io.stderr.at(-1)).toMatch(/1 namespace\(s\) could not be changed/);
    } finally {
      await server.close();
    }
  });

  it('fails when the backend cannot be reached', async () => {
    const server = await backend(200, {});
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
  ])('answers bad usage %j with exit code 2', async (args, message) => {
    const io = recorder();
    expect(await syncCommand(args, io, {})).toBe(2);
    expect(io.stderr[0]).toMatch(message);
  });
});
