import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
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
