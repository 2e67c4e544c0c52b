import { mockServices } from '@backstage/backend-test-utils';
import { NotFoundError } from '@backstage/errors';
import { OutboundError } from '../services/retry';
import type { RequestContext } from '../telemetry/context';
import type { SyncResult } from './CatalogRuleSync';
import type { RuleSyncService } from './RuleSyncService';
import { SyncRuns } from './SyncRuns';

type RunRequest = Parameters<RuleSyncService['run']>[0];

const RESULT: SyncResult = {
  plan: { teams: [], writes: ['component:default/checkout'], deletes: [] },
  entities: 1,
  undescribed: [],
  applied: {
    namespacesWritten: 1,
    namespacesDeleted: 0,
    failed: 0,
    requests: 2,
    bytesWritten: 10,
  },
  durationMs: 5,
};

/** A sync whose runs end when the test says, each with its context kept. */
function controlledSync() {
  const calls: Array<{
    request: RunRequest;
    succeed: (result?: SyncResult) => void;
    fail: (error: unknown) => void;
  }> = [];
  const sync: Pick<RuleSyncService, 'run'> = {
    run: request =>
      new Promise<SyncResult>((resolve, reject) => {
        calls.push({
          request,
          succeed: (result = RESULT) => resolve(result),
          fail: reject,
        });
        request.ctx.signal?.addEventListener('abort', () =>
          reject(request.ctx.signal!.reason),
        );
      }),
  };
  return { sync, calls };
}

function registry(
  sync: Pick<RuleSyncService, 'run'>,
  keep?: { runs: number; plans: number },
) {
  return SyncRuns.create({
    sync,
    logger: mockServices.logger.mock(),
    ...(keep ? { keep } : {}),
  });
}

describe('SyncRuns', () => {
  it('runs a sync in the background and keeps how it ended', async () => {
    const { sync, calls } = controlledSync();
    const runs = registry(sync);
    const started = runs.start({ target: 'mimir', actor: 'user:default/ada' });

    expect(started.joined).toBe(false);
    expect(started.run).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      target: 'mimir',
      actor: 'user:default/ada',
      status: 'running',
      startedAt: expect.any(String),
    });
    expect(runs.get(started.run.id).status).toBe('running');
    expect(calls.map(c => [c.request.target, c.request.actor])).toEqual([
      ['mimir', 'user:default/ada'],
    ]);
    expect(calls[0].request.dryRun).toBeUndefined();

    calls[0].succeed();
    const ended = await started.finished;
    expect(ended).toMatchObject({ status: 'succeeded', result: RESULT });
    expect(Date.parse(ended.finishedAt!)).toBeGreaterThanOrEqual(
      Date.parse(ended.startedAt),
    );
    expect(runs.get(started.run.id)).toEqual(ended);
  });

  it('answers the running sync of a target instead of starting another', async () => {
    const { sync, calls } = controlledSync();
    const runs = registry(sync);
    const first = runs.start({ target: 'mimir', actor: 'user:default/ada' });
    const second = runs.start({ target: 'mimir', actor: 'scheduler' });
    const other = runs.start({ target: 'vm', actor: 'scheduler' });

    expect(second.joined).toBe(true);
    expect(second.run.id).toBe(first.run.id);
    expect(second.run.actor).toBe('user:default/ada');
    expect(other.run.id).not.toBe(first.run.id);
    expect(calls.map(c => c.request.target)).toEqual(['mimir', 'vm']);

    calls[0].succeed();
    expect((await second.finished).status).toBe('succeeded');
    const after = runs.start({ target: 'mimir', actor: 'scheduler' });
    expect(after.joined).toBe(false);
    expect(after.run.id).not.toBe(first.run.id);
  });

  it("keeps a target's own error message and hides any other behind the correlation id", async () => {
    const { sync, calls } = controlledSync();
    const runs = registry(sync);
    const refused = runs.start({ target: 'mimir', actor: 'scheduler' });
    const broken = runs.start({ target: 'vm', actor: 'scheduler' });
    calls[0].fail(
      new OutboundError('mimir ruler answered 401: no org id', {
        kind: 'client',
        status: 401,
      }),
    );
    calls[1].fail(
      new Error("ENOENT: no such file or directory, open '/srv/rules/x.yml'"),
    );

    expect(await refused.finished).toMatchObject({
      status: 'failed',
      error: 'mimir ruler answered 401: no org id',
    });
    const ended = await broken.finished;
    const correlationId = (calls[1].request.ctx as RequestContext)
      .correlationId;
    expect(ended.error).toBe(
      `The sync failed; the backend log has the details (correlation id ${correlationId})`,
    );
    expect(ended.result).toBeUndefined();
  });

  it('fails a run whose target the service does not know, even when it throws at once', async () => {
    const runs = registry({
      run: () => {
        throw new NotFoundError("No rule target 'gone' in ruleTargets");
      },
    });
    const started = runs.start({ target: 'gone', actor: 'scheduler' });
    expect(await started.finished).toMatchObject({
      status: 'failed',
      error: "No rule target 'gone' in ruleTargets",
    });
  });

  it('stops running syncs at shutdown and starts none after', async () => {
    const { sync, calls } = controlledSync();
    const runs = registry(sync);
    const started = runs.start({ target: 'mimir', actor: 'scheduler' });
    await runs.stop();

    expect(calls[0].request.ctx.signal?.aborted).toBe(true);
    expect(runs.get(started.run.id)).toMatchObject({
      status: 'failed',
      error:
        'Stopped because the backend shut down; the next sync finishes what is left',
    });
    expect(() => runs.start({ target: 'mimir', actor: 'scheduler' })).toThrow(
      /shutting down/,
    );
  });

  it("stops a run at its caller's signal, not only at shutdown", async () => {
    const { sync } = controlledSync();
    const runs = registry(sync);
    const timeout = new AbortController();
    const started = runs.start({
      target: 'mimir',
      actor: 'scheduler',
      signal: timeout.signal,
    });
    timeout.abort();
    expect((await started.finished).error).toMatch(
      /^Stopped at the timeout of the scheduled task/,
    );
  });

  it('forgets the oldest finished runs beyond the ones it keeps, never a running one', async () => {
    const { sync, calls } = controlledSync();
    const runs = registry(sync, { runs: 2, plans: 2 });
    const running = runs.start({ target: 'slow', actor: 'scheduler' });
    const ids: string[] = [];
    for (const target of ['a', 'b', 'c']) {
      const started = runs.start({ target, actor: 'scheduler' });
      calls.at(-1)!.succeed();
      await started.finished;
      ids.push(started.run.id);
    }

    expect(() => runs.get(ids[0])).toThrow(
      `No sync run '${ids[0]}': runs are kept in memory, the last 2 finished ones, until the backend restarts`,
    );
    expect(runs.get(ids[1]).target).toBe('b');
    expect(runs.get(ids[2]).target).toBe('c');
    expect(runs.get(running.run.id).status).toBe('running');
    calls[0].succeed();
    await running.finished;
    expect(() => runs.get(ids[1])).toThrow(NotFoundError);
  });

  it('keeps the plan of the newest runs only, and an outline of the older ones', async () => {
    const { sync, calls } = controlledSync();
    const runs = registry(sync, { runs: 5, plans: 1 });
    const ids: string[] = [];
    for (const target of ['a', 'b']) {
      const started = runs.start({ target, actor: 'scheduler' });
      calls.at(-1)!.succeed();
      await started.finished;
      ids.push(started.run.id);
    }
    expect(runs.get(ids[1]).result).toEqual(RESULT);
    const older = runs.get(ids[0]);
    expect(older.result).toBeUndefined();
    expect(older.outline).toEqual({
      entities: 1,
      applied: RESULT.applied,
      durationMs: 5,
      writes: 1,
      deletes: 0,
      undescribed: 0,
    });
  });
});
