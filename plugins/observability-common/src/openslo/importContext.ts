/**
 * What one import reads from: the documents by kind and name, the entity's
 * metrics, and the findings so far. Looking a name up marks it used, so
 * documents nothing refers to can be reported.
 */
import type { FindingSeverity, Finding, MetricNames } from '../spec/types';
import { OPENSLO_ANNOTATION } from './parseDocuments';
import type { OpenSloDocument, OpenSloOf } from './schema';

/** What the import needs to know of the entity: how its SLIs are queried. @public */
export interface OpenSloTarget {
  metrics: MetricNames;
  /** The entity's PromQL label matchers (spec.selector.value). */
  selector: string;
  serviceName: string;
}

export class ImportContext {
  readonly findings: Finding[] = [];
  private readonly byKind = new Map<string, Map<string, OpenSloDocument>>();

  constructor(
    documents: readonly OpenSloDocument[],
    readonly target: OpenSloTarget,
  ) {
    for (const d of documents) {
      const named = this.byKind.get(d.kind) ?? new Map();
      if (named.has(d.metadata.name))
        this.note(
          'openslo.duplicate',
          'warning',
          `${d.kind} "${d.metadata.name}" is declared twice; the first one is used.`,
        );
      else named.set(d.metadata.name, d);
      this.byKind.set(d.kind, named);
    }
  }

  note(
    id: string,
    severity: FindingSeverity,
    message: string,
    value?: string,
  ): void {
    this.findings.push({
      id,
      severity,
      annotation: OPENSLO_ANNOTATION,
      message,
      ...(value !== undefined ? { value } : {}),
    });
  }

  /** Names of the SLIs, policies, conditions and targets some SLO uses, per kind. */
  readonly used = new Set<string>();

  find<K extends OpenSloDocument['kind']>(
    kind: K,
    name: string,
  ): OpenSloOf<K> | undefined {
    this.used.add(`${kind}/${name}`);
    return this.byKind.get(kind)?.get(name) as OpenSloOf<K> | undefined;
  }

  /** {@link find}, and a warning naming `namedBy` when there is no such document. */
  resolve<K extends OpenSloDocument['kind']>(
    kind: K,
    name: string,
    namedBy: string,
  ): OpenSloOf<K> | undefined {
    const found = this.find(kind, name);
    if (!found)
      this.note(
        'openslo.unresolved',
        'warning',
        `${namedBy} names ${kind} "${name}", which is not among the documents.`,
      );
    return found;
  }

  all<K extends OpenSloDocument['kind']>(kind: K): Array<OpenSloOf<K>> {
    return [...(this.byKind.get(kind)?.values() ?? [])] as Array<OpenSloOf<K>>;
  }
}
