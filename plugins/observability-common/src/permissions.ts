import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Permission to write an entity's generated rules into a Prometheus rules
 * directory and reload it (`POST /entity/.../apply`). A basic permission:
 * policies decide per user or group, not per entity.
 * @public
 */
export const observabilityArtifactsApplyPermission = createPermission({
  name: 'observability.artifacts.apply',
  attributes: { action: 'update' },
});

/** Every permission the observability plugin defines. @public */
export const observabilityPermissions = [observabilityArtifactsApplyPermission];
