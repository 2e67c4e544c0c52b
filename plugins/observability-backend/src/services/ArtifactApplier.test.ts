import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { ROOT_CONTEXT } from '@opentelemetry/api';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { describeWithBinary } from '../../../../test/support/binaries';
import { FakeServer, closedPortUrl } from '../__testUtils__/fakeServer';
import type { ApplyLogEntry, ApplyLogStore } from '../database/ApplyLogStore';
import type { RequestContext } from '../telemetry/context';
import { ArtifactApplier } from './ArtifactApplier';
import { OutboundHttp } from './OutboundHttp';
import { PrometheusClient } from './PrometheusClient';

const ctx: RequestContext = {
  correlationId: 'c-1',
  logger: mockServices.logger.mock(),
  trace: ROOT_CONTEXT,
};

const VALID = `groups:
  - name: redline-checkout
    rules:
      - alert: HighErrorRate
        expr: sum(rate(http_requests_total{service="checkout",status=~"5.."}[5m])) / sum(rate(http_requests_total{service="checkout"}[5m])) > 0.01
        for: 5m
        labels:
          severity: critical
          service: checkout
        annotations:
          summary: High error rate
`;
const INVALID = `groups:
  - name: broken
    rules:
      - alert: Broken
        expr: sum(rate(http_requests_total[5m]) >
`;

function recordingLog() {
  const entries: ApplyLogEntry[] = [];
  const log: ApplyLogStore = {
    record: async e => void entries.push(e),
    list: async () => entries,
  };
  return { log, entries };
}

function client(url: string, rulesDirectory?: string) {
  return PrometheusClient.create({
    instance: { name: 'main', url, default: true, rulesDirectory },
    http: OutboundHttp.create({
      retry: { attempts: 2, initialDelayMs: 1, maxDelayMs: 2 },
      timeoutMs: 500,
    }),
    rulesTtlMs: 1000,
  });
}

describe('ArtifactApplier', () => {
  let directory: string;
  let prometheus: FakeServer;
  beforeEach(async () => {
    directory = await fs.mkdtemp(path.join(os.tmpdir(), 'redline-applier-'));
    prometheus = await FakeServer.start();
    prometheus.otherwise(() => ({ status: 200 }));
  });
  afterEach(async () => {
    await prometheus.stop();
    await fs.rm(directory, { recursive: true, force: true });
  });

  it('names files redline-<service>.yaml and never lets a name leave the directory', () => {
    expect(ArtifactApplier.fileNameFor('checkout')).toBe(
      'redline-checkout.yaml',
    );
    expect(ArtifactApplier.fileNameFor('../../etc/passwd')).toBe(
      'redline-__.._etc_passwd.yaml',
    );
    expect(ArtifactApplier.fileNameFor('a/b c')).toBe('redline-a_b_c.yaml');
  });

  it('without promtool it writes, reloads and says validation was skipped', async () => {
    const { log, entries } = recordingLog();
    const applier = ArtifactApplier.create({
      promtoolPath: '/nonexistent/promtool',
      log,
    });
    const result = await applier.apply(
      {
        entityRef: 'component:default/checkout',
        serviceName: 'checkout',
        rules: VALID,
        prometheus: client(prometheus.url, directory),
        appliedBy: 'user:default/alice',
      },
      ctx,
    );
    expect(result).toMatchObject({
      changed: true,
      validated: 'skipped',
      reload: { status: 'ok' },
    });
    expect(
      await fs.readFile(path.join(directory, 'redline-checkout.yaml'), 'utf8'),
    ).toBe(VALID);
    expect(entries).toEqual([
      expect.objectContaining({
        appliedBy: 'user:default/alice',
        correlationId: 'c-1',
        changed: true,
      }),
    ]);
  });

  it('keeps the written file and reports a failed reload when Prometheus is down', async () => {
    const { log, entries } = recordingLog();
    const applier = ArtifactApplier.create({
      promtoolPath: '/nonexistent/promtool',
      log,
    });
    const result = await applier.apply(
      {
        entityRef: 'component:default/checkout',
        serviceName: 'checkout',
        rules: VALID,
        prometheus: client(await closedPortUrl(), directory),
        appliedBy: 'user:default/alice',
      },
      ctx,
    );
    expect(result.reload.status).toBe('failed');
    expect(result.reload.message).toMatch(/unreachable/);
    expect(await fs.readdir(directory)).toEqual(['redline-checkout.yaml']);
    expect(entries[0].reloadStatus).toBe('failed');
  });

  it('refuses an instance without a rules directory', async () => {
    const applier = ArtifactApplier.create({
      promtoolPath: 'promtool',
      log: recordingLog().log,
    });
    await expect(
      applier.apply(
        {
          entityRef: 'component:default/checkout',
          serviceName: 'checkout',
          rules: VALID,
          prometheus: client(prometheus.url),
          appliedBy: 'x',
        },
        ctx,
      ),
    ).rejects.toMatchObject({ name: 'ConflictError' });
  });
});

describeWithBinary('promtool')('ArtifactApplier with promtool', promtool => {
  let directory: string;
  beforeEach(async () => {
    directory = await fs.mkdtemp(path.join(os.tmpdir(), 'redline-applier-'));
  });
  afterEach(async () => {
    await fs.rm(directory, { recursive: true, force: true });
  });

  it('validates with promtool and writes nothing when the rules are invalid', async () => {
    const { log, entries } = recordingLog();
    const applier = ArtifactApplier.create({ promtoolPath: promtool, log });
    const error = await applier
      .apply(
        {
          entityRef: 'component:default/broken',
          serviceName: 'broken',
          rules: INVALID,
          prometheus: client('http://127.0.0.1:1', directory),
          appliedBy: 'x',
        },
        ctx,
      )
      .catch(e => e);
    expect(error.name).toBe('InputError');
    expect(error.message).toMatch(/failed promtool validation/);
    expect(error.message).not.toContain(os.tmpdir());
    expect(await fs.readdir(directory)).toEqual([]);
    expect(entries).toEqual([]);
  });

  it('reports validated: promtool for valid rules', async () => {
    const server = await FakeServer.start();
    server.otherwise(() => ({ status: 200 }));
    try {
      const applier = ArtifactApplier.create({
        promtoolPath: promtool,
        log: recordingLog().log,
      });
      const result = await applier.apply(
        {
          entityRef: 'component:default/checkout',
          serviceName: 'checkout',
          rules: VALID,
          prometheus: client(server.url, directory),
          appliedBy: 'x',
        },
        ctx,
      );
      expect(result.validated).toBe('promtool');
    } finally {
      await server.stop();
    }
  });
});
