import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { backgroundContext } from '../telemetry/context';
import { ApplyPermissionCheck } from './ApplyPermissionCheck';

const ctx = () => backgroundContext(mockServices.logger.mock());

describe('ApplyPermissionCheck', () => {
  function permissions(answer: (user: string) => AuthorizeResult) {
    const asked: string[] = [];
    const service = mockServices.permissions.mock({
      authorize: async (_requests, { credentials }) => {
        const user = (credentials.principal as { userEntityRef: string })
          .userEntityRef;
        asked.push(user);
        return [{ result: answer(user) }] as any;
      },
    });
    return { service, asked };
  }

  it('asks once per caller within the TTL and keeps callers apart', async () => {
    let now = 0;
    const { service, asked } = permissions(user =>
      user === 'user:default/alice'
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY,
    );
    const check = new ApplyPermissionCheck({
      permissions: service,
      ttlMs: 30_000,
      now: () => now,
    });
    const alice = mockCredentials.user('user:default/alice');
    const bob = mockCredentials.user('user:default/bob');
    expect(await check.allowed(alice, ctx())).toBe(true);
    expect(await check.allowed(alice, ctx())).toBe(true);
    expect(await check.allowed(bob, ctx())).toBe(false);
    expect(asked).toEqual(['user:default/alice', 'user:default/bob']);
    // Past the TTL the kept hint still answers while one call refreshes
    // it; a TTL after that it is too old, and the view waits for a new one.
    now = 30_001;
    expect(await check.allowed(alice, ctx())).toBe(true);
    expect(asked).toHaveLength(3);
    now = 90_002;
    expect(await check.allowed(alice, ctx())).toBe(true);
    expect(asked).toHaveLength(4);
  });

  it('answers "no" when the permission backend fails, and asks again next time', async () => {
    let fail = true;
    const service = mockServices.permissions.mock({
      authorize: async () => {
        if (fail) throw new Error('permission backend unreachable');
        return [{ result: AuthorizeResult.ALLOW }] as any;
      },
    });
    const warn = jest.fn();
    const context = { ...ctx(), logger: { ...ctx().logger, warn } };
    const check = new ApplyPermissionCheck({
      permissions: service,
      ttlMs: 30_000,
    });
    const alice = mockCredentials.user('user:default/alice');
    expect(await check.allowed(alice, context)).toBe(false);
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('permission backend unreachable'),
    );
    fail = false;
    expect(await check.allowed(alice, ctx())).toBe(true);
  });
});
