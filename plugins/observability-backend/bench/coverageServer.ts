/**
 * The server side of the coverage benchmark (run by `bench/coverage.mjs`
 * through Backstage's node transform, like `backstage-cli package start`).
 *
 * 1. Builds a synthetic catalog of N Components (default 10 000) across 40
 *    teams with realistic variety: SLOs, runbooks, tiers, systems,
 *    lifecycles, routing annotations, some broken values.
 * 2. Runs the real CoverageEvaluator over it (parse → generate → checks →
 *    rows in SQLite, page by page) as a backend would: the first run on an
 *    empty database describes every entity, the next finds them unchanged,
 *    and so does the first run of a new evaluator on the same database (a
 *    restarted backend). Reports how long each took, its CPU and the peak
 *    memory.
 * 3. Serves the real coverage router on a loopback port and prints one JSON
 *    line `{ "ready": true, "port": …, "evaluation": … }` for the driver.
 */
import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import {
  DEFAULT_CHECKS,
  DEFAULT_GENERATOR_CONFIG,
  DEFAULT_GENERATORS,
  FactCycle,
} from '@redline/backstage-plugin-observability-common';
import express from 'express';
import knexFactory from 'knex';
import type { AddressInfo } from 'node:net';
import { DatabaseCoverageStore } from '../src/database/DatabaseCoverageStore';
import { DatabaseRememberedRowStore } from '../src/database/DatabaseRememberedRowStore';
import { EntityObservabilityService } from '../src/services/EntityObservabilityService';
import { createCoverageRouter } from '../src/routes/coverage';
import { CoverageEvaluator } from '../src/services/CoverageEvaluator';

const TEAMS = 40;
const LIFECYCLES = [
  'production',
  'production',
  'production',
  'experimental',
  'deprecated',
];

/** Entity i of the synthetic catalog; deterministic so runs compare. */
export function syntheticEntity(i: number): Entity {
  const team = `team-${i % TEAMS}`;
  const name = `svc-${String(i).padStart(5, '0')}`;
  const annotations: Record<string, string> = {};
  if (i % 3 === 0)
    annotations['redline.dev/slo-availability'] = i % 2 ? '99.9' : '99.5';
  if (i % 7 === 0) annotations['redline.dev/slo-latency'] = '99% < 300ms';
  if (i % 4 === 0)
    annotations[
      'redline.dev/runbook-url'
    ] = `https://runbooks.example.com/${name}`;
  if (i % 5 !== 0) annotations['redline.dev/tier'] = String((i % 3) + 1);
  if (i % 2 === 0) annotations['redline.dev/slack-channel'] = `${team}-alerts`;
  if (i % 6 === 0) annotations['pagerduty.com/integration-key'] = 'bench-key';
  if (i % 97 === 0) annotations['redline.dev/error-rate-threshold'] = 'lots';
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: {
      type: 'service',
      owner: team,
      lifecycle: LIFECYCLES[i % LIFECYCLES.length],
      system: `system-${i % 25}`,
    },
  };
}

/** A catalog that pages with cursors the way the real one does. */
function syntheticCatalog(total: number) {
  return {
    async queryEntities(request: any) {
      const offset = request.cursor ? Number(request.cursor) : 0;
      const end = Math.min(total, offset + request.limit);
      const items: Entity[] = [];
      for (let i = offset; i < end; i++) items.push(syntheticEntity(i));
      return {
        items,
        totalItems: total,
        pageInfo: end < total ? { nextCursor: String(end) } : {},
      };
    },
    async getEntitiesByRefs(request: { entityRefs: string[] }) {
      return {
        items: request.entityRefs.map(ref => ({
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Group',
          metadata: { name: ref.split('/')[1] },
        })),
      };
    },
  };
}

async function main() {
  const total = Number(process.env.REDLINE_BENCH_ENTITIES ?? 10_000);
  const pageSize = Number(process.env.REDLINE_BENCH_PAGE_SIZE ?? 500);
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
  });
  const database = mockServices.database({ knex });
  const store = await DatabaseCoverageStore.create({ database });

  const remembered = await DatabaseRememberedRowStore.create({ database });

  let peakRss = process.memoryUsage().rss;
  const catalog = syntheticCatalog(total);
  /** The evaluator a backend process has: a restart makes a new one. */
  const startedProcess = () =>
    CoverageEvaluator.create({
      catalog: catalog as any,
      auth: mockServices.auth(),
      store,
      remembered,
      logger: mockServices.rootLogger({ level: 'warn' }),
      describer: EntityObservabilityService.create({
        catalog: catalog as any,
        generator: DEFAULT_GENERATOR_CONFIG,
        generators: DEFAULT_GENERATORS,
        checks: DEFAULT_CHECKS,
      }),
      // No Prometheus here: this measures paging, describing, checks and rows.
      newFactCycle: () => new FactCycle({}, { batch: true }),
      pageSize,
      onPage: ({ page }) => {
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        process.stderr.write(
          `\r  evaluated ${Math.min(
            page * pageSize,
            total,
          )} / ${total} entities`,
        );
      },
    });
  const measured = async (evaluator: CoverageEvaluator) => {
    const started = process.hrtime.bigint();
    const cpuBefore = process.cpuUsage();
    const result = await evaluator.run();
    const cpu = process.cpuUsage(cpuBefore);
    process.stderr.write('\n');
    return {
      result,
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
    };
  };
  const evaluator = startedProcess();
  const { result, seconds, cpuSeconds } = await measured(evaluator);
  // The scheduled runs after the first find most entities unchanged.
  const again = await measured(evaluator);
  // A restarted backend reads back what the last run remembered.
  const restarted = await measured(startedProcess());
  const brief = (run: typeof again) => ({
    seconds: Number(run.seconds.toFixed(2)),
    cpuSeconds: Number(run.cpuSeconds.toFixed(2)),
    described: run.result.described,
  });

  const router = await createCoverageRouter({
    store,
    httpAuth: mockServices.httpAuth(),
    scheduler: { triggerTask: async () => {}, cancelTask: async () => {} },
    logger: mockServices.rootLogger({ level: 'warn' }),
  });
  const app = express().use('/api/observability/coverage', router);
  const server = app.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    process.stdout.write(
      `${JSON.stringify({
        ready: true,
        port,
        evaluation: {
          entities: result.entities,
          pages: result.pages,
          pageSize,
          failed: result.failed,
          seconds: Number(seconds.toFixed(2)),
          cpuSeconds: Number(cpuSeconds.toFixed(2)),
          entitiesPerSecond: Math.round(result.entities / seconds),
          peakRssMb: Math.round(peakRss / 1024 / 1024),
          described: result.described,
          nextRun: brief(again),
          firstAfterRestart: brief(restarted),
        },
      })}\n`,
    );
  });
  const stop = () =>
    server.close(() => knex.destroy().then(() => process.exit(0)));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch(error => {
  process.stderr.write(
    `coverage bench server failed: ${error?.stack ?? error}\n`,
  );
  process.exit(1);
});
