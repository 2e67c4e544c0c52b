import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { z as scaffolderZod } from 'zod/v3';
import { describeIssues, entityRefString } from '../../routes/validation';
import { fromCatalog } from '../../services/catalogErrors';

/**
 * The entity a template step names in its `entityRef` input, read from the
 * catalog as the user who started the task. Template input is free text: a
 * malformed ref is the template author's mistake (400), not a catalog
 * failure, and a catalog failure is logged without passing its SQL on.
 */
export async function entityOfInput(
  input: { entityRef: unknown },
  ctx: {
    getInitiatorCredentials(): Promise<BackstageCredentials>;
    logger: LoggerService;
  },
  catalog: CatalogService,
): Promise<{ entity: Entity; credentials: BackstageCredentials }> {
  const ref = entityRefString.safeParse(input.entityRef);
  if (!ref.success) {
    throw new InputError(
      `Invalid input entityRef: ${describeIssues(
        ref.error,
      )}, got ${JSON.stringify(String(input.entityRef).slice(0, 200))}`,
    );
  }
  const credentials = await ctx.getInitiatorCredentials();
  const entity = await fromCatalog(
    () => catalog.getEntityByRef(ref.data, { credentials }),
    original =>
      ctx.logger.warn(`Reading ${ref.data} from the catalog failed`, original),
  );
  if (!entity) {
    throw new NotFoundError(`No entity found for ref '${input.entityRef}'`);
  }
  return { entity, credentials };
}

/**
 * The `entityRef` input of Redline's actions, in the zod the scaffolder
 * hands to input schemas; `purpose` says what the entity is for.
 */
export function entityRefInput(purpose: string) {
  return (z: typeof scaffolderZod) =>
    z.string().min(1).describe(`${purpose}, e.g. component:default/checkout`);
}

/**
 * An action's example: one template step calling `action` for the entity
 * the template's `entityRef` parameter names, with `input` besides.
 */
export function stepExample(
  stepId: string,
  action: string,
  input: Record<string, string | number>,
): string {
  return [
    'steps:',
    `  - id: ${stepId}`,
    `    action: ${action}`,
    '    input:',
    '      entityRef: ${{ parameters.entityRef }}',
    ...Object.entries(input).map(([key, value]) => `      ${key}: ${value}`),
  ].join('\n');
}
