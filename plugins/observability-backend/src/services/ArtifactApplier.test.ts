import { constants as fsConstants } from 'node:fs';
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
import { ArtifactApplier, ApplyRequest } from './ArtifactApplier';
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
    list: async ref => entries.filter(e => e.entityRef === ref).reverse(),
    lastWriter: async (instance, file) =>
      entries
        .filter(
          e =>
            e.instance === instance &&
            e.path === file &&
            e.changed &&
            e.outcome === 'applied',
        )
        .pop()?.entityRef,
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

function applyOf(
  prometheus: PrometheusClient,
  overrides: Partial<ApplyRequest> & { rules?: string } = {},
): ApplyRequest {
  const { rules = VALID, ...rest } = overrides;
  return {
    entityRef: 'component:default/checkout',
    appliedBy: 'user:default/alice',
    resolve: async () => ({ rules, prometheus }),
    ...rest,
  };
}

/** What a failed apply answers, as the error handler would serialise it. */
function expectNothingOfTheServer(error: Error, directory: string) {
  expect(error.message).not.toContain(directory);
  expect(error.message).not.toContain(os.tmpdir());
  expect(error.message).not.toMatch(/E[A-Z]{3,}|errno|syscall|open '/);
}

describe('ArtifactApplier.fileNameFor', () => {
  it('names files after the entity ref, readable where it cannot be read two ways', () => {
    expect(ArtifactApplier.fileNameFor('component:default/checkout')).toBe(
      'redline-component-default-checkout.yaml',
    );
    expect(ArtifactApplier.fileNameFor('Component:Default/Checkout')).toBe(
      'redline-component-default-checkout.yaml',
    );
    expect(ArtifactApplier.fileNameFor('component:default/svc_a.b-c')).toBe(
      'redline-component-default-svc_a.b-c.yaml',
    );
  });

  it('never maps two refs to one name, nor leaves the directory', () => {
    const refs = [
      'component:team-a/foo',
      'component:team/a-foo',
      'component:default/a--b',
      'component:default/a-b',
      'component:default-a/b',
      'component:default/../../etc/passwd',
      'component:default/a/b c',
      `component:default/${'x'.repeat(300)}`,
      `component:default/${'x'.repeat(299)}y`,
    ];
    const names = refs.map(ref => ArtifactApplier.fileNameFor(ref));
    expect(new Set(names).size).toBe(refs.length);
    for (const name of names) {
      expect(name).toMatch(/^redline-[^/\\]+\.yaml$/);
      expect(name.length).toBeLessThan(255);
    }
    expect(ArtifactApplier.fileNameFor('component:team-a/foo')).toMatch(
      /^redline-component-team-a-foo--[0-9a-f]{16}\.yaml$/,
    );
  });
});

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
    await fs.chmod(directory, 0o700).catch(() => {});
    await fs.rm(directory, { recursive: true, force: true });
  });

  const checkoutFile = () =>
    path.join(directory, 'redline-component-default-checkout.yaml');

  it('without promtool it writes the rules under an ownership header, reloads and says validation was skipped', async () => {
    const { log, entries } = recordingLog();
    const applier = ArtifactApplier.create({
      promtoolPath: '/nonexistent/promtool',
      log,
    });
    const result = await applier.apply(
      applyOf(client(prometheus.url, directory)),
      ctx,
    );
    expect(result).toMatchObject({
      path: checkoutFile(),
      changed: true,
      validated: 'skipped',
      reload: { status: 'ok' },
    });
    expect(await fs.readFile(checkoutFile(), 'utf8')).toBe(
      `# redline-entity: component:default/checkout\n${VALID}`,
    );
    expect(entries).toEqual([
      expect.objectContaining({
        appliedBy: 'user:default/alice',
        correlationId: 'c-1',
        changed: true,
        outcome: 'applied',
        message:
          "Rules written to Prometheus instance 'main'. Prometheus reloaded them.",
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
      applyOf(client(await closedPortUrl(), directory)),
      ctx,
    );
    expect(result.reload.status).toBe('failed');
    expect(result.reload.message).toMatch(/unreachable/);
    expect(await fs.readdir(directory)).toEqual([
      'redline-component-default-checkout.yaml',
    ]);
    expect(entries[0]).toMatchObject({
      reloadStatus: 'failed',
      outcome: 'applied',
      message: expect.stringMatching(/reload failed/),
    });
  });

  it('refuses an instance without a rules directory, and records the refusal', async () => {
    const { log, entries } = recordingLog();
    const applier = ArtifactApplier.create({ promtoolPath: 'promtool', log });
    await expect(
      applier.apply(applyOf(client(prometheus.url)), ctx),
    ).rejects.toMatchObject({ name: 'ConflictError' });
    expect(entries).toEqual([
      expect.objectContaining({
        outcome: 'refused',
        instance: 'main',
        changed: false,
        message: expect.stringMatching(/no rulesDirectory/),
      }),
    ]);
  });

  it('refuses a kind that carries no service before generating or touching any file', async () => {
    const { log, entries } = recordingLog();
    const applier = ArtifactApplier.create({ promtoolPath: 'promtool', log });
    const resolve = jest.fn();
    const error = await applier
      .apply(
        { entityRef: 'user:default/alice-nguyen', appliedBy: 'x', resolve },
        ctx,
      )
      .catch(e => e);
    expect(error.name).toBe('InputError');
    expect(error.message).toMatch(/kind 'user'/);
    expect(resolve).not.toHaveBeenCalled();
    expect(await fs.readdir(directory)).toEqual([]);
    expect(entries).toEqual([
      expect.objectContaining({
        entityRef: 'user:default/alice-nguyen',
        outcome: 'refused',
        instance: '',
        path: '',
      }),
    ]);
  });

  it("refuses with 409 naming the owner when the rules would replace another entity's groups", async () => {
    const { log, entries } = recordingLog();
    const applier = ArtifactApplier.create({
      promtoolPath: '/nonexistent/promtool',
      log,
    });
    const prom = client(prometheus.url, directory);
    await applier.apply(applyOf(prom), ctx);
    const before = await fs.readFile(checkoutFile(), 'utf8');

    const error = await applier
      .apply(applyOf(prom, { entityRef: 'component:default/svc-collide' }), ctx)
      .catch(e => e);
    expect(error.name).toBe('ConflictError');
    expect(error.message).toContain('component:default/checkout');
    expect(error.message).toContain("'redline-checkout'");
    expect(error.message).toContain('redline.dev/service-name');
    expectNothingOfTheServer(error, directory);
    expect(await fs.readdir(directory)).toEqual([
      'redline-component-default-checkout.yaml',
    ]);
    expect(await fs.readFile(checkoutFile(), 'utf8')).toBe(before);
    expect(prometheus.requestsTo('/-/reload')).toHaveLength(1);
    expect(entries.at(-1)).toMatchObject({
      entityRef: 'component:default/svc-collide',
      outcome: 'refused',
      message: error.message,
    });
  });

  it('answers a typed error without paths or errno when the rules directory cannot be written, and records the failure', async () => {
    const { log, entries } = recordingLog();
    const applier = ArtifactApplier.create({
      promtoolPath: '/nonexistent/promtool',
      log,
    });
    // A regular file where the directory should be: fails for root too.
    const notADirectory = path.join(directory, 'rules');
    await fs.writeFile(notADirectory, '');
    const error = await applier
      .apply(applyOf(client(prometheus.url, notADirectory)), ctx)
      .catch(e => e);
    expect(error.name).toBe('ServiceUnavailableError');
    expect(error.message).toMatch(
      /rules directory of Prometheus instance 'main' is not a directory. Ask an operator/,
    );
    expectNothingOfTheServer(error, directory);
    expect(entries).toEqual([
      expect.objectContaining({
        outcome: 'failed',
        message: error.message,
        changed: false,
      }),
    ]);
    expect(prometheus.requestsTo('/-/reload')).toHaveLength(0);
  });

  it('says a read-only rules directory is not writable, without errno', async () => {
    await fs.chmod(directory, 0o500);
    const writable = await fs
      .access(directory, fsConstants.W_OK)
      .then(() => true)
      .catch(() => false);
    if (writable) {
      // eslint-disable-next-line no-console
      console.warn(
        '\n!!! SKIPPING the read-only directory check: this user (root?) can write a 0500 directory; the not-a-directory test covers the failure path\n',
      );
      return;
    }
    const { log, entries } = recordingLog();
    const applier = ArtifactApplier.create({
      promtoolPath: '/nonexistent/promtool',
      log,
    });
    const error = await applier
      .apply(applyOf(client(prometheus.url, directory)), ctx)
      .catch(e => e);
    expect(error.name).toBe('ServiceUnavailableError');
    expect(error.message).toMatch(/is not writable by the portal/);
    expectNothingOfTheServer(error, directory);
    expect(entries[0].outcome).toBe('failed');
  });

  it('of 10 parallel applies of the same rules, one writes and reloads, the others find them in place', async () => {
    const { log, entries } = recordingLog();
    const applier = ArtifactApplier.create({
      promtoolPath: '/nonexistent/promtool',
      log,
    });
    const prom = client(prometheus.url, directory);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => applier.apply(applyOf(prom), ctx)),
    );
    expect(results.filter(r => r.changed)).toHaveLength(1);
    expect(prometheus.requestsTo('/-/reload')).toHaveLength(1);
    expect(entries.map(e => e.outcome).sort()).toEqual([
      'applied',
      ...Array(9).fill('unchanged'),
    ]);
  });

  it('moves its own rules from the old per-service file name, so Prometheus never loads them twice', async () => {
    const { log, entries } = recordingLog();
    const legacy = path.join(directory, 'redline-checkout.yaml');
    await fs.writeFile(legacy, VALID);
    // The old applier wrote no header: the apply log names the last writer.
    entries.push({
      entityRef: 'component:default/checkout',
      instance: 'main',
      path: legacy,
      changed: true,
      contentSha256: '',
      validated: 'skipped',
      reloadStatus: 'ok',
      outcome: 'applied',
      appliedBy: 'x',
      appliedAt: new Date(0),
    });
    const applier = ArtifactApplier.create({
      promtoolPath: '/nonexistent/promtool',
      log,
    });
    const result = await applier.apply(
      applyOf(client(prometheus.url, directory)),
      ctx,
    );
    expect(result.changed).toBe(true);
    expect(await fs.readdir(directory)).toEqual([
      'redline-component-default-checkout.yaml',
    ]);
    expect(entries.at(-1)?.message).toMatch(
      /Replaced the file written under the previous name \(redline-checkout.yaml\)/,
    );
    expect(prometheus.requestsTo('/-/reload')).toHaveLength(1);
  });

  it("leaves another entity's old file alone and names its last writer", async () => {
    const { log, entries } = recordingLog();
    const legacy = path.join(directory, 'redline-checkout.yaml');
    await fs.writeFile(legacy, VALID);
    entries.push({
      entityRef: 'component:other/checkout',
      instance: 'main',
      path: legacy,
      changed: true,
      contentSha256: '',
      validated: 'skipped',
      reloadStatus: 'ok',
      outcome: 'applied',
      appliedBy: 'x',
      appliedAt: new Date(0),
    });
    const applier = ArtifactApplier.create({
      promtoolPath: '/nonexistent/promtool',
      log,
    });
    const prom = client(prometheus.url, directory);
    const error = await applier.apply(applyOf(prom), ctx).catch(e => e);
    expect(error.name).toBe('ConflictError');
    expect(error.message).toContain('by component:other/checkout');
    expect(await fs.readFile(legacy, 'utf8')).toBe(VALID);

    // Nobody on record: the file is named, and an operator asked to look.
    entries.length = 0;
    const unknown = await applier.apply(applyOf(prom), ctx).catch(e => e);
    expect(unknown.message).toMatch(
      /in redline-checkout.yaml, a file whose owner the portal does not know.*ask an operator/,
    );
    expect(await fs.readdir(directory)).toEqual(['redline-checkout.yaml']);
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
        applyOf(client('http://127.0.0.1:1', directory), {
          entityRef: 'component:default/broken',
          rules: INVALID,
        }),
        ctx,
      )
      .catch(e => e);
    expect(error.name).toBe('InputError');
    expect(error.message).toMatch(/failed promtool validation/);
    expect(error.message).not.toContain(os.tmpdir());
    expect(await fs.readdir(directory)).toEqual([]);
    expect(entries).toEqual([
      expect.objectContaining({
        outcome: 'refused',
        validated: 'skipped',
        message: error.message,
      }),
    ]);
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
        applyOf(client(server.url, directory)),
        ctx,
      );
      expect(result.validated).toBe('promtool');
    } finally {
      await server.stop();
    }
  });
});
