import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { observabilityArtifactsApplyPermission } from '@redline/backstage-plugin-observability-common';
import type { RequestContext } from '../telemetry/context';
import { callerKey } from './callerKey';
import { SharedAnswers } from './SharedAnswers';

/**
 * Whether the tab may offer "Apply": a hint, not a gate — the apply route
 * asks the permission framework again on every call. The hint is kept per
 * caller for a short time because asking costs the view a round trip to the
 * permission backend (a token signed and verified) on every refresh.
 * @internal
 */
export class ApplyPermissionCheck {
  readonly #permissions: PermissionsService;
  readonly #answers: SharedAnswers<boolean>;

  constructor(options: {
    permissions: PermissionsService;
    ttlMs: number;
    now?: () => number;
  }) {
    this.#permissions = options.permissions;
    this.#answers = new SharedAnswers({
      ttlMs: options.ttlMs,
      staleMs: options.ttlMs,
      now: options.now ?? Date.now,
      target: 'permission',
    });
  }

  /** Never throws: an unreachable permission backend means "no". */
  async allowed(
    credentials: BackstageCredentials,
    ctx: RequestContext,
  ): Promise<boolean> {
    try {
      return await this.#answers.get(callerKey(credentials), ctx, async () => {
        const [decision] = await this.#permissions.authorize(
          [{ permission: observabilityArtifactsApplyPermission }],
          { credentials },
        );
        return decision.result === AuthorizeResult.ALLOW;
      });
    } catch (error) {
      // The view must answer even when the permission backend does not.
      ctx.logger.warn(
        `Could not check ${observabilityArtifactsApplyPermission.name}: ${error}`,
      );
      return false;
    }
  }
}
