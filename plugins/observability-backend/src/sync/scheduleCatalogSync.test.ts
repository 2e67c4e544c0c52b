import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  startRulerApiServer,
  type RulerApiServer,
} from '../ruleTargets/__testUtils__/rulerApiServer';
import { describer, syncCatalog, testHttp } from './__testUtils__/syncFixtures';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { ApplyLogEntry } from '../database/ApplyLogStore';
import { RuleSyncService } from './RuleSyncService';
import { scheduleCatalogSync, SYNC_TASK_ID } from './scheduleCatalogSync';
import { readSyncConfig } from './syncConfig';

function configWith(sync?: object) {
  return new ConfigReader({ observability: sync ? { sync } : {} });
}

describe('scheduleCatalogSync', () => {
  let ruler: RulerApiServer;
  beforeEach(async () => {
    ruler = await startRulerApiServer();
  });
  afterEach(() => ruler.close());

  function service(log: ApplyLogEntry[]) {
    return RuleSyncService.create({
      targets: [
        {
          name: 'mimir',
          type: 'mimir-ruler',
          options: { url: ruler.url, tenant: 'redline' },
        },
      ],
      http: testHttp(),
      catalog: catalogServiceMock({ entities: syncCatalog() }),
      auth: mockServices.auth(),
      describer: describer(),
      applyLog: { record: async entry => void log.push(entry) },
      logger: mockServices.logger.mock(),
      limits: { pauseMs: 0 },
    });
  }

  function scheduledConfig(target: string | string[]) {
    return readSyncConfig(
      configWith({
        target,
        schedule: { frequency: { hours: 1 }, timeout: { minutes: 5 } },
      }),
      typeof target === 'string' ? [target] : target,
    );
  }

  it.each([
    ['no sync config', undefined],
    ['a target but no schedule', { target: 'mimir' }],
    [
      'a schedule but no target',
      { schedule: { frequency: { hours: 1 }, timeout: { minutes: 5 } } },
    ],
  ])('schedules nothing with %s', async (_what, sync) => {
    const scheduler = mockServices.scheduler.mock();
    const scheduled = await scheduleCatalogSync({
      scheduler,
      logger: mockServices.logger.mock(),
      sync: service([]),
      config: readSyncConfig(configWith(sync), ['mimir']),
    });
    expect(scheduled).toBe(false);
    expect(scheduler.scheduleTask).not.toHaveBeenCalled();
  });

  it('runs a global sync by the scheduler when configured', async () => {
    const scheduler = mockServices.scheduler.mock();
    const log: ApplyLogEntry[] = [];
    await scheduleCatalogSync({
      scheduler,
      logger: mockServices.logger.mock(),
      sync: service(log),
      config: readSyncConfig(
        configWith({
          target: 'mimir',
          schedule: {
            frequency: { hours: 1 },
            timeout: { minutes: 5 },
            scope: 'local',
          },
        }),
        ['mimir'],
      ),
    });
    expect(scheduler.scheduleTask).toHaveBeenCalledTimes(1);
    const task = scheduler.scheduleTask.mock.calls[0][0];
    expect(task).toMatchObject({
      id: SYNC_TASK_ID,
      scope: 'global',
      frequency: { hours: 1 },
    });

    await task.fn(new AbortController().signal);
    expect(ruler.tenants.get('redline')?.size).toBe(3);
    expect(log).toHaveLength(3);
    expect(log.every(e => e.appliedBy === 'scheduler')).toBe(true);
  });

  it('syncs a list of targets one after another, and goes on past one that fails', async () => {
    const scheduler = mockServices.scheduler.mock();
    const log: ApplyLogEntry[] = [];
    const sync = service(log);
    const run = jest.spyOn(sync, 'run');
    await scheduleCatalogSync({
      scheduler,
      logger: mockServices.logger.mock(),
      sync,
      config: readSyncConfig(
        configWith({
          target: ['gone', 'mimir'],
          schedule: { frequency: { hours: 1 }, timeout: { minutes: 5 } },
        }),
        ['gone', 'mimir'],
      ),
    });
    const task = scheduler.scheduleTask.mock.calls[0][0];
    // 'gone' is a name the service does not know: its sync fails.
    await expect(task.fn(new AbortController().signal)).rejects.toThrow(
      'Rule sync failed for gone',
    );
    expect(run.mock.calls.map(([request]) => request.target)).toEqual([
      'gone',
      'mimir',
    ]);
    expect(ruler.tenants.get('redline')?.size).toBe(3);
  });

  it('joins a sync of the same target that a person started, instead of running a second', async () => {
    const scheduler = mockServices.scheduler.mock();
    const log: ApplyLogEntry[] = [];
    const sync = service(log);
    const run = jest.spyOn(sync, 'run');
    await scheduleCatalogSync({
      scheduler,
      logger: mockServices.logger.mock(),
      sync,
      config: scheduledConfig('mimir'),
    });
    const manual = sync.runs.start({
      target: 'mimir',
      actor: 'user:default/ada',
    });
    const task = scheduler.scheduleTask.mock.calls[0][0];
    await task.fn(new AbortController().signal);

    expect(sync.runs.get(manual.run.id).status).toBe('succeeded');
    expect(run).toHaveBeenCalledTimes(1);
    expect(log).toHaveLength(3);
    expect(log.every(e => e.appliedBy === 'user:default/ada')).toBe(true);
  });

  it('refuses a sync target that is not a configured rule target, and bad limits', () => {
    expect(() =>
      readSyncConfig(
        configWith({
          target: 'thanos',
          schedule: { frequency: { hours: 1 }, timeout: { minutes: 5 } },
        }),
        ['mimir'],
      ),
    ).toThrow(/observability\.sync\.target 'thanos'/);
    expect(() => readSyncConfig(configWith({ concurrency: 0 }), [])).toThrow(
      /observability\.sync\.concurrency must be an integer of at least 1/,
    );
    expect(
      readSyncConfig(configWith({ pauseMs: 0, batchSize: 10 }), []).limits,
    ).toEqual({
      pauseMs: 0,
      batchSize: 10,
    });
  });
});
