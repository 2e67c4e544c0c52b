/**
 * The server side of the entity-route benchmark (run by `bench/api.mjs`
 * through Backstage's node transform, like `backstage-cli package start`).
 *
 * Serves the plugin's real router and services over a synthetic catalog of
 * N Components (default 10 000) with live Prometheus and Alertmanager
 * instances at the URLs the driver passes (fakes on loopback), and prints one
 * JSON line `{ "ready": true, "port": … }` when listening.
 */
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity, parseEntityRef } from '@backstage/catalog-model';
import express from 'express';
import knexFactory from 'knex';
import type { AddressInfo } from 'node:net';
import { metricsServiceMock } from '@backstage/backend-test-utils/alpha';
import { createRouter } from '../src/router';
import { createObservabilityServices } from '../src/services/createServices';

const TEAMS = 40;

/** Entity i of the synthetic catalog; deterministic so runs compare. */
function syntheticEntity(i: number): Entity {
  const team = `team-${i % TEAMS}`;
  const name = `svc-${String(i).padStart(5, '0')}`;
  const annotations: Record<string, string> = {};
  if (i % 3 === 0)
    annotations['redline.dev/slo-availability'] = i % 2 ? '99.9' : '99.5';
  if (i % 7 === 0) annotations['redline.dev/slo-latency'] = '99% < 300ms';
  if (i % 4 === 0) annotations['redline.dev/log-selector'] = `{app="${name}"}`;
  if (i % 5 !== 0) annotations['redline.dev/tier'] = String((i % 3) + 1);
  if (i % 2 === 0) annotations['redline.dev/slack-channel'] = `${team}-alerts`;
  if (i % 97 === 0) annotations['redline.dev/error-rate-threshold'] = 'lots';
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: {
      type: 'service',
      owner: `group:default/${team}`,
      lifecycle: 'production',
    },
  };
}

/** The catalog calls the entity routes make, over N entities held as a map. */
function syntheticCatalog(total: number) {
  const entities = new Map<string, Entity>();
  for (let i = 0; i < total; i++) {
    const entity = syntheticEntity(i);
    entities.set(`component:default/${entity.metadata.name}`, entity);
  }
  for (let t = 0; t < TEAMS; t++) {
    entities.set(`group:default/team-${t}`, {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: `team-${t}`, namespace: 'default' },
      spec: { type: 'team', children: [] },
    });
  }
  return {
    async getEntityByRef(
      ref: string | { kind: string; namespace?: string; name: string },
    ) {
      const { kind, namespace, name } =
        typeof ref === 'string' ? parseEntityRef(ref) : ref;
      return entities.get(
        `${kind}:${namespace ?? 'default'}/${name}`.toLocaleLowerCase('en-US'),
      );
    },
  };
}

async function main() {
  const total = Number(process.env.REDLINE_BENCH_ENTITIES ?? 10_000);
  const prometheusUrl = process.env.REDLINE_BENCH_PROMETHEUS_URL;
  const alertmanagerUrl = process.env.REDLINE_BENCH_ALERTMANAGER_URL;
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
  });
  const logger = mockServices.rootLogger({ level: 'error' });
  const rootConfig = mockServices.rootConfig({
    data: {
      app: { baseUrl: 'http://localhost:3000' },
      observability: {
        prometheus: {
          instances: prometheusUrl
            ? [{ name: 'bench', url: prometheusUrl, default: true }]
            : [],
        },
        alertmanager: {
          instances: alertmanagerUrl
            ? [{ name: 'bench', url: alertmanagerUrl, default: true }]
            : [],
        },
      },
    },
  });
  const services = await createObservabilityServices({
    rootConfig,
    database: mockServices.database({ knex }),
    catalog: syntheticCatalog(total) as any,
    logger,
    metrics: metricsServiceMock.mock(),
  });
  const router = await createRouter({
    logger,
    auditor: mockServices.auditor.mock(),
    httpAuth: mockServices.httpAuth(),
    permissions: mockServices.permissions(),
    ...services,
  });
  const middleware = MiddlewareFactory.create({ config: rootConfig, logger });
  const app = express()
    .use('/api/observability', router)
    .use(middleware.error());
  const server = app.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    process.stdout.write(
      `${JSON.stringify({ ready: true, port, entities: total })}\n`,
    );
  });
  const stop = () =>
    server.close(() => knex.destroy().then(() => process.exit(0)));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch(error => {
  process.stderr.write(
    `entity bench server failed: ${error?.stack ?? error}\n`,
  );
  process.exit(1);
});
