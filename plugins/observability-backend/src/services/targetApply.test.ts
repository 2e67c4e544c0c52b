import { mockServices } from '@backstage/backend-test-utils';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import type { RuleGroup } from '@redline/backstage-plugin-observability-common';
import type { RuleTarget } from '../ruleTargets/RuleTarget';
import type { RequestContext } from '../telemetry/context';
import { OutboundError } from './retry';
import {
  checkTargetHolds,
  previewThroughTarget,
  targetErrorForPeople,
  writeThroughTarget,
} from './targetApply';

const ctx: RequestContext = {
  correlationId: 'target-apply-test',
  logger: mockServices.logger.mock(),
  trace: ROOT_CONTEXT,
};

const groups: RuleGroup[] = [
  {
    name: 'checkout-red',
    rules: [{ record: 'job:errors:rate5m', expr: 'rate(errors[5m])' }],
  },
];

/** A target holding namespaces in memory, reloading with `reload`. */
function memoryTarget(
  extra: Partial<RuleTarget> = {},
): RuleTarget & { held: Map<string, readonly RuleGroup[]> } {
  const held = new Map<string, readonly RuleGroup[]>();
  return {
    name: 'memory',
    type: 'memory-file',
    held,
    async write(namespace, written) {
      const same =
        JSON.stringify(held.get(namespace)) === JSON.stringify(written);
      held.set(namespace, written);
      return { changed: !same, requests: same ? 0 : 1, bytes: 1 };
    },
    read: async namespace => [...(held.get(namespace) ?? [])],
    delete: async () => ({ changed: false, requests: 0, bytes: 0 }),
    list: async () => [],
    ...extra,
  };
}

const entityRef = 'component:default/checkout';

describe('writeThroughTarget', () => {
  it('reloads once after a change and skips both when nothing changed', async () => {
    const reload = jest.fn(async () => ({
      changed: true,
      requests: 1,
      bytes: 0,
    }));
    const target = memoryTarget({ reload });
    const plan = { entityRef, target, groups };

    expect(await writeThroughTarget(plan, ctx)).toEqual({
      changed: true,
      reload: { status: 'ok' },
    });
    expect(await writeThroughTarget(plan, ctx)).toEqual({
      changed: false,
      reload: { status: 'skipped', message: 'rules unchanged' },
    });
    expect(reload).toHaveBeenCalledTimes(1);
    expect(target.held.get(entityRef)).toEqual(groups);
  });

  it('reports a failed reload with the rules left in place', async () => {
    const target = memoryTarget({
      reload: async () => {
        throw new Error('reload refused');
      },
    });
    const written = await writeThroughTarget(
      { entityRef, target, groups },
      ctx,
    );
    expect(written).toEqual({
      changed: true,
      reload: { status: 'failed', message: 'reload refused' },
    });
    expect(target.held.get(entityRef)).toEqual(groups);
  });
});

describe('checkTargetHolds', () => {
  const target = memoryTarget({ owners: ['group:default/finance'] });

  it("lets an owner's entity through", () => {
    expect(() =>
      checkTargetHolds({
        entityRef,
        target,
        groups,
        owner: 'group:default/finance',
      }),
    ).not.toThrow();
  });

  it('refuses an entity without an owner with a ConflictError saying so', () => {
    expect(() => checkTargetHolds({ entityRef, target, groups })).toThrow(
      expect.objectContaining({
        name: 'ConflictError',
        message: expect.stringContaining('is owned by no one'),
      }),
    );
  });
});

describe('previewThroughTarget', () => {
  it('shows the whole file as added before anything is deployed, and no change after', async () => {
    const target = memoryTarget();
    const plan = { entityRef, target, groups };
    const before = await previewThroughTarget(plan, ctx);
    expect(before).toMatchObject({
      deployed: false,
      changed: true,
      removed: 0,
      fileName: entityRef,
    });
    await writeThroughTarget(plan, ctx);
    const after = await previewThroughTarget(plan, ctx);
    expect(after).toMatchObject({ deployed: true, changed: false, added: 0 });
  });
});

describe('targetErrorForPeople', () => {
  it("turns a target's HTTP failure into a 503 naming the target", () => {
    const answer = targetErrorForPeople(
      new OutboundError('mimir-ruler:mimir: answered 400', {
        kind: 'client',
        status: 400,
      }),
      memoryTarget(),
    );
    expect(answer).toMatchObject({
      name: 'ServiceUnavailableError',
      message:
        "Rule target 'memory' (memory-file) did not take the rules: mimir-ruler:mimir: answered 400",
    });
  });

  it('leaves other errors to the general handling', () => {
    const error = new Error('EACCES');
    expect(targetErrorForPeople(error, memoryTarget())).toBe(error);
  });
});
