/**
 * A kind of rule target added from outside the plugin, as another team
 * would: a backend module of its own registers an in-memory target through
 * the extension point, using only what the package exports, and config,
 * sync, Apply and its preview work with it as with Redline's own kinds.
 */
import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  createBackendModule,
  type BackendFeature,
} from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import type {
  ApplyHistoryResponse,
  ApplyPreviewResponse,
  ApplyResponse,
  LooseRuleGroup,
  RuleGroup,
} from '@redline/backstage-plugin-observability-common';
import type { JsonObject } from '@backstage/types';
import request from 'supertest';
import { parse } from 'yaml';
import { z } from 'zod';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { requireBinary } from '../../../test/support/binaries';
import observabilityPlugin, {
  observabilityRuleTargetsExtensionPoint,
  ruleTargetKind,
  UNCHANGED,
  type RuleTargetKind,
} from './index';
import type { SyncRunResponse } from './routes/sync';
import { scaffolderModuleRedlineObservability } from './scaffolder/module';
import { syncCatalog } from './sync/__testUtils__/syncFixtures';

const API = '/api/observability';
const ENTITY = `${API}/entity/component/default`;
const ADA = mockCredentials.user.header('user:default/ada');
const promtool = requireBinary('promtool');

/**
 * A target that keeps namespaces in `held`, under a prefix that marks what
 * it wrote: another tool's namespaces in the same store are never listed,
 * so a sync cannot remove them.
 */
function memoryTargetKind(held: Map<string, readonly LooseRuleGroup[]>) {
  return ruleTargetKind({
    type: 'memory',
    options: z.object({
      namespacePrefix: z
        .string()
        .regex(/^[a-z][a-z0-9-]*\/$/, 'must be lower-case and end with /')
        .default('redline/'),
    }),
    create(name, { namespacePrefix }) {
      const keyOf = (namespace: string) => `${namespacePrefix}${namespace}`;
      const remove = (namespace: string) => {
        const changed = held.delete(keyOf(namespace));
        return changed ? { changed, requests: 0, bytes: 0 } : UNCHANGED;
      };
      return {
        name,
        type: 'memory',
        locationOf: keyOf,
        // One map entry is replaced whole, so each group is old or new.
        async write(namespace, groups) {
          if (groups.length === 0) return remove(namespace);
          const text = JSON.stringify(groups);
          if (JSON.stringify(held.get(keyOf(namespace))) === text)
            return UNCHANGED;
          held.set(keyOf(namespace), structuredClone(groups));
          return { changed: true, requests: 0, bytes: text.length };
        },
        async read(namespace) {
          return [...(held.get(keyOf(namespace)) ?? [])];
        },
        async delete(namespace) {
          return remove(namespace);
        },
        async list() {
          return [...held]
            .filter(([key]) => key.startsWith(namespacePrefix))
            .map(([key, groups]) => ({
              entityRef: key.slice(namespacePrefix.length),
              groups,
            }));
        },
      };
    },
  });
}

function moduleAdding(moduleId: string, ...kinds: RuleTargetKind[]) {
  return createBackendModule({
    pluginId: 'observability',
    moduleId,
    register(env) {
      env.registerInit({
        deps: { ruleTargets: observabilityRuleTargetsExtensionPoint },
        async init({ ruleTargets }) {
          ruleTargets.addRuleTargetKind(...kinds);
        },
      });
    },
  });
}

function startBackend(modules: BackendFeature[], ruleTargets: JsonObject[]) {
  return startTestBackend({
    features: [
      observabilityPlugin,
      ...modules,
      catalogServiceMock.factory({ entities: syncCatalog() }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://portal.test' },
          observability: {
            retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1 },
            ruleTargets,
            sync: { pauseMs: 0 },
            apply: { promtoolPath: promtool ?? '/nonexistent/promtool' },
          },
        },
      }),
    ],
  });
}

/** The groups of the entity's rules file, as the tab offers it. */
async function declaredGroups(server: Server, name: string) {
  const file = await request(server)
    .get(`${ENTITY}/${name}/artifacts/prometheus-rules`)
    .set('Authorization', ADA);
  expect(file.status).toBe(200);
  return parse(file.text).groups as RuleGroup[];
}

describe('a rule target kind added by another backend module', () => {
  let held: Map<string, readonly LooseRuleGroup[]>;
  beforeEach(() => {
    held = new Map();
  });
  const memoryModule = () =>
    moduleAdding('test-memory-target', memoryTargetKind(held));

  describe('config', () => {
    it("accepts the kind's options, its default applied", async () => {
      const { server } = await startBackend(
        [memoryModule()],
        [
          { name: 'mem', type: 'memory' },
          { name: 'team-mem', type: 'memory', namespacePrefix: 'team-a/' },
        ],
      );
      await request(server)
        .post(`${ENTITY}/checkout/apply`)
        .set('Authorization', ADA)
        .send({ target: 'team-mem' })
        .expect(200);
      expect([...held.keys()]).toEqual(['team-a/component:default/checkout']);
    });

    it('refuses a bad option at startup, naming the field', async () => {
      await expect(
        startBackend(
          [memoryModule()],
          [{ name: 'mem', type: 'memory', namespacePrefix: 'Redline' }],
        ),
      ).rejects.toThrow(
        /observability\.ruleTargets\[0\]\.namespacePrefix is invalid for a memory target: must be lower-case and end with \//,
      );
    });

    it('lists the added type among those an unknown type must be one of', async () => {
      await expect(
        startBackend([memoryModule()], [{ name: 'mem', type: 'redis' }]),
      ).rejects.toThrow(
        'observability.ruleTargets[0].type must be one of prometheus-file, vmalert-file, mimir-ruler, memory',
      );
    });

    it('does not know the type without the module', async () => {
      await expect(
        startBackend([], [{ name: 'mem', type: 'memory' }]),
      ).rejects.toThrow(
        'observability.ruleTargets[0].type must be one of prometheus-file, vmalert-file, mimir-ruler',
      );
    });
  });

  it('the scaffolder module starts beside it, though it cannot see the kind', async () => {
    const addActions = jest.fn();
    await startTestBackend({
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
      features: [
        scaffolderModuleRedlineObservability,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({
          data: {
            observability: { ruleTargets: [{ name: 'mem', type: 'memory' }] },
          },
        }),
      ],
    });
    expect(addActions).toHaveBeenCalledTimes(1);
  });

  describe('a type given twice stops the start, naming it', () => {
    it('when it is one of Redline’s own', async () => {
      const impostor: RuleTargetKind = {
        ...memoryTargetKind(held),
        type: 'mimir-ruler',
      };
      await expect(
        startBackend([moduleAdding('impostor', impostor)], []),
      ).rejects.toThrow(
        "Rule target type 'mimir-ruler' is added twice: Redline itself already provides it",
      );
    });

    it('when two modules add it', async () => {
      await expect(
        startBackend(
          [
            memoryModule(),
            moduleAdding('second-memory', memoryTargetKind(held)),
          ],
          [],
        ),
      ).rejects.toThrow(
        "Rule target type 'memory' is added twice: another module already provides it",
      );
    });
  });

  it('a sync writes every entity into it and leaves what another tool wrote', async () => {
    const foreign: LooseRuleGroup[] = [{ name: 'theirs', rules: [] }];
    held.set('other-tool/component:default/checkout', foreign);
    const { server } = await startBackend(
      [memoryModule()],
      [{ name: 'mem', type: 'memory' }],
    );
    const started = await request(server)
      .post(`${API}/sync`)
      .set('Authorization', ADA)
      .send({ target: 'mem' });
    expect(started.status).toBe(202);

    const run = await finished(server, (started.body as SyncRunResponse).id);
    expect(run).toMatchObject({
      status: 'succeeded',
      entities: 3,
      applied: { namespacesWritten: 3, failed: 0 },
    });
    expect([...held.keys()].sort()).toEqual([
      'other-tool/component:default/checkout',
      'redline/component:default/checkout',
      'redline/component:default/ledger',
      'redline/component:default/search',
    ]);
    expect(held.get('other-tool/component:default/checkout')).toBe(foreign);
    expect(held.get('redline/component:default/checkout')).toEqual(
      await declaredGroups(server, 'checkout'),
    );

    const history = await request(server)
      .get(`${ENTITY}/ledger/apply`)
      .set('Authorization', ADA);
    expect((history.body as ApplyHistoryResponse).items).toEqual([
      expect.objectContaining({
        instance: 'mem',
        outcome: 'applied',
        appliedBy: 'user:default/ada',
        message: expect.stringMatching(
          /^sync: wrote \+\d+ ~0 -0 group\(s\) on mem$/,
        ),
      }),
    ]);

    const again = await request(server)
      .post(`${API}/sync`)
      .set('Authorization', ADA)
      .send({ target: 'mem', dryRun: true });
    expect(again.body.formatted).toEqual(['Nothing to change.']);
  });

  it('Apply with its name writes through it, and the preview reads it back', async () => {
    const { server } = await startBackend(
      [memoryModule()],
      [{ name: 'mem', type: 'memory' }],
    );
    const preview = async () => {
      const res = await request(server)
        .post(`${ENTITY}/checkout/apply/preview`)
        .set('Authorization', ADA)
        .send({ target: 'mem' });
      expect(res.status).toBe(200);
      return res.body as ApplyPreviewResponse;
    };
    expect(await preview()).toMatchObject({
      target: 'mem',
      fileName: 'redline/component:default/checkout',
      deployed: false,
      changed: true,
    });

    const res = await request(server)
      .post(`${ENTITY}/checkout/apply`)
      .set('Authorization', ADA)
      .send({ target: 'mem' });
    expect(res.status).toBe(200);
    expect(res.body as ApplyResponse).toMatchObject({
      entityRef: 'component:default/checkout',
      target: 'mem',
      path: 'redline/component:default/checkout',
      changed: true,
      validated: promtool ? 'promtool' : 'skipped',
      reload: {
        status: 'skipped',
        message: 'a memory target takes the rules without a reload',
      },
    });
    expect(held.get('redline/component:default/checkout')).toEqual(
      await declaredGroups(server, 'checkout'),
    );
    expect(await preview()).toMatchObject({
      deployed: true,
      changed: false,
      added: 0,
      removed: 0,
    });

    const again = await request(server)
      .post(`${ENTITY}/checkout/apply`)
      .set('Authorization', ADA)
      .send({ target: 'mem' });
    expect(again.body).toMatchObject({ changed: false, target: 'mem' });
  });
});

async function finished(server: Server, id: string) {
  for (let attempt = 0; attempt < 400; attempt++) {
    const res = await request(server)
      .get(`${API}/sync/runs/${id}`)
      .set('Authorization', ADA);
    expect(res.status).toBe(200);
    const run = res.body as SyncRunResponse;
    if (run.status !== 'running') return run;
    await sleep(25);
  }
  throw new Error(`sync run ${id} did not finish`);
}
