import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  buildCatalogAlertmanagerConfig,
  CatalogFinding,
  EntityAlertmanagerFragment,
  renderCatalogAlertmanagerYaml,
} from '@redline/backstage-plugin-observability-common';
import { fromCatalog } from './catalogErrors';
import { DESCRIBED_FIELDS, EventLoopYielder } from './describingInBatches';
import type { EntityDescriber } from './CoverageEvaluator';

/** @public */
export interface CatalogAlertmanagerServiceOptions {
  catalog: Pick<CatalogService, 'queryEntities'>;
  describer: Pick<EntityDescriber, 'describe'>;
  /** Entities per catalog page (default 500). */
  pageSize?: number;
}

/** A rendered catalog Alertmanager config. @public */
export interface CatalogAlertmanagerFile {
  /** `alertmanager.yaml`, findings first in its comment header. */
  content: string;
  /** Teams with a route in the file, sorted. */
  teams: string[];
  findings: CatalogFinding[];
}

/**
 * The one Alertmanager config for the catalog (or one team), as the CLI
 * writes it: every Component the caller may read, described, merged by team.
 * @public
 */
export class CatalogAlertmanagerService {
  readonly #catalog: CatalogAlertmanagerServiceOptions['catalog'];
  readonly #describer: CatalogAlertmanagerServiceOptions['describer'];
  readonly #pageSize: number;

  static create(
    options: CatalogAlertmanagerServiceOptions,
  ): CatalogAlertmanagerService {
    return new CatalogAlertmanagerService(options);
  }

  private constructor(options: CatalogAlertmanagerServiceOptions) {
    this.#catalog = options.catalog;
    this.#describer = options.describer;
    this.#pageSize = options.pageSize ?? 500;
  }

  /**
   * Reads the catalog with the caller's credentials, so the file holds only
   * entities they may see. An unknown `team` is a `NotFoundError` listing the
   * known ones.
   */
  async render(
    credentials: BackstageCredentials,
    options: { team?: string } = {},
  ): Promise<CatalogAlertmanagerFile> {
    const { fragments, failures } = await this.#fragments(credentials);
    const whole = buildCatalogAlertmanagerConfig(fragments);
    const { team } = options;
    if (team !== undefined && !whole.teams.includes(team)) {
      throw new NotFoundError(
        `No team "${team}" in the catalog's Alertmanager config; known teams: ${
          whole.teams.join(', ') || 'none'
        }`,
      );
    }
    const catalog =
      team === undefined
        ? whole
        : buildCatalogAlertmanagerConfig(fragments, { team });
    const findings = [...failures, ...catalog.findings];
    return {
      content: withFindings(
        renderCatalogAlertmanagerYaml(catalog, options),
        findings,
      ),
      teams: catalog.teams,
      findings,
    };
  }

  async #fragments(credentials: BackstageCredentials) {
    // Only the fragment is kept per entity: 10 000 described entities with
    // their rules and runbooks would not fit in memory at once.
    const fragments: EntityAlertmanagerFragment[] = [];
    const failures: CatalogFinding[] = [];
    const yielder = new EventLoopYielder();
    let cursor: string | undefined;
    do {
      const limit = this.#pageSize;
      const query = cursor
        ? { cursor, limit, fields: DESCRIBED_FIELDS }
        : { filter: { kind: 'Component' }, limit, fields: DESCRIBED_FIELDS };
      const page = await fromCatalog(() =>
        this.#catalog.queryEntities(query, { credentials }),
      );
      for (const entity of page.items) {
        await yielder.maybeYield();
        try {
          const { artifacts } = this.#describer.describe(entity);
          fragments.push({
            entityRef: artifacts.entityRef,
            alertmanager: artifacts.alertmanager,
          });
        } catch (error) {
          failures.push(describeFailure(entity, error));
        }
      }
      cursor = page.pageInfo.nextCursor;
    } while (cursor);
    return { fragments, failures };
  }
}

/** An entity left out must show in the file, not only in a log nobody reads. */
function describeFailure(entity: Entity, error: unknown): CatalogFinding {
  const ref = stringifyEntityRef(entity);
  return {
    id: 'alertmanager.entity-skipped',
    severity: 'error',
    message: `${ref} could not be described and is not in this config: ${
      error instanceof Error ? error.message : String(error)
    }`,
    entityRefs: [ref],
  };
}

/**
 * Adds the findings to the comment header `renderCatalogAlertmanagerYaml`
 * writes, so whoever downloads the file sees them without the portal.
 */
function withFindings(yaml: string, findings: CatalogFinding[]): string {
  if (findings.length === 0) return yaml;
  const lines = yaml.split('\n');
  const headerEnd = lines.findIndex(line => !line.startsWith('#'));
  const comment = [
    `# Findings (${findings.length}):`,
    ...findings.map(
      f => `#   ${f.severity} ${f.id}: ${f.message.replace(/\s*\n\s*/g, ' ')}`,
    ),
  ];
  lines.splice(headerEnd === -1 ? lines.length : headerEnd, 0, ...comment);
  return lines.join('\n');
}
