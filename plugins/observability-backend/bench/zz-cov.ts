import { mockServices } from '@backstage/backend-test-utils';
import { DEFAULT_CHECKS, DEFAULT_GENERATORS, DEFAULT_GENERATOR_CONFIG, FactCycle } from '@redline/backstage-plugin-observability-common';
import knexFactory from 'knex';
import { DatabaseCoverageStore } from '../src/database/DatabaseCoverageStore';
import { EntityObservabilityService } from '../src/services/EntityObservabilityService';
import { CoverageEvaluator } from '../src/services/CoverageEvaluator';

async function main() {
  const { syntheticCatalog } = await import('../../../test/bench/synthetic-catalog.mjs' as any);
  const cat = syntheticCatalog({ count: 10000 });
  const entities = cat.components.map((e: any) => ({ ...e, metadata: { namespace: 'default', ...e.metadata, uid: 'u-' + e.metadata.name, etag: 'e1' } }));
  const catalog = {
    async queryEntities(request: any) {
      const offset = request.cursor ? Number(request.cursor) : 0;
      const end = Math.min(entities.length, offset + request.limit);
      // A copy, as the real catalog hands fresh JSON each time.
      const items = JSON.parse(JSON.stringify(entities.slice(offset, end)));
      return { items, totalItems: entities.length, pageInfo: end < entities.length ? { nextCursor: String(end) } : {} };
    },
    async getEntitiesByRefs(request: { entityRefs: string[] }) {
      return { items: request.entityRefs.map(() => ({ kind: 'Group' })) };
    },
  };
  const knex = knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true });
  const store = await DatabaseCoverageStore.create({ database: mockServices.database({ knex }) });
  const make = () => CoverageEvaluator.create({
    catalog: catalog as any, auth: mockServices.auth(), store,
    logger: mockServices.rootLogger({ level: 'warn' }),
    describer: EntityObservabilityService.create({ catalog: catalog as any, generator: DEFAULT_GENERATOR_CONFIG, generators: DEFAULT_GENERATORS, checks: DEFAULT_CHECKS }),
    newFactCycle: () => new FactCycle({}, { batch: true }),
  });
  for (let r = 0; r < 2; r++) {
    const c = process.cpuUsage(); const t = process.hrtime.bigint();
    await make().run();
    const cpu = process.cpuUsage(c);
    console.log(`run ${r}: wall ${(Number(process.hrtime.bigint() - t) / 1e9).toFixed(2)} s, cpu ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s`);
  }
  await knex.destroy();
}
main();
