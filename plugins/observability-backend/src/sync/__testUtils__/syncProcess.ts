/**
 * A sync in a process of its own, for a test to kill with SIGKILL part-way
 * (`killedSync.test.ts`). Run through Backstage's node transform with one
 * JSON argument ({@link SyncProcessOptions}); prints one line per finished
 * namespace write, then `done`.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createRuleTarget } from '../../ruleTargets/registry';
import type { RuleTarget } from '../../ruleTargets/RuleTarget';
import type { RequestContext } from '../../telemetry/context';
import { CatalogRuleSync } from '../CatalogRuleSync';
import { convergenceCatalog, describer, testHttp } from './syncFixtures';

export interface SyncProcessOptions {
  rulesDirectory: string;
  reloadUrl: string;
  errorRateThreshold: string;
}

/** Outside jest: no mock services, a logger that says nothing. */
const quiet = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child: () => quiet,
};
const processContext: RequestContext = {
  correlationId: 'sync-process',
  logger: quiet,
  trace: ROOT_CONTEXT,
};

async function main() {
  const options = JSON.parse(process.argv[2]) as SyncProcessOptions;
  const target = createRuleTarget(
    {
      name: 'vm',
      type: 'vmalert-file',
      options: {
        rulesDirectory: options.rulesDirectory,
        url: options.reloadUrl,
      },
    },
    { http: testHttp() },
    'observability.ruleTargets[0]',
  );
  const reporting: RuleTarget = {
    ...target,
    list: (ctx, listOptions) => target.list(ctx, listOptions),
    write: async (ref, groups, ctx, writeOptions) => {
      const outcome = await target.write(ref, groups, ctx, writeOptions);
      process.stdout.write(`written ${ref}\n`);
      return outcome;
    },
  };
  const sync = CatalogRuleSync.create({
    catalog: catalogServiceMock({
      entities: convergenceCatalog(options.errorRateThreshold),
    }),
    auth: { getOwnServiceCredentials: async () => mockCredentials.service() },
    describer: describer(),
    applyLog: { record: async () => {} },
    // Slow on purpose: the test kills the process between two batches or
    // in the middle of one.
    limits: { batchSize: 3, concurrency: 2, pauseMs: 150 },
  });
  await sync.run({
    target: reporting,
    actor: 'scheduler',
    ctx: processContext,
  });
  process.stdout.write('done\n');
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
