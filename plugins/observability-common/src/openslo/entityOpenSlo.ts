/**
 * `redline.dev/openslo` on an entity: OpenSLO documents written inline, or
 * the path of a file beside the entity's catalog-info.yaml. Reading a file
 * is I/O, so the edges do it (the backend through Backstage's URL reader,
 * the CLI from disk) and hand the text back with {@link withOpenSloText};
 * parsing then treats it exactly as inline documents.
 */
import type { Entity } from '@backstage/catalog-model';
import { latencyBucketFinding, type BucketSource } from '../spec/latencyBucket';
import { sloWindowDays } from '../spec/sloWindow';
import type { Finding, SloSpec } from '../spec/types';
import { importOpenSlo, type OpenSloTarget } from './importOpenSlo';
import { OPENSLO_ANNOTATION, parseOpenSloDocuments } from './parseDocuments';

/** A relative path to a YAML file, without `..`: the file must sit beside (or below) the catalog file. */
const FILE_REFERENCE =
  /^(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$))[A-Za-z0-9._\/-]+\.ya?ml$/;

function isInline(value: string): boolean {
  return value.includes('\n') || /^\s*apiVersion\s*:/.test(value);
}

function annotationOf(entity: Entity): unknown {
  return entity.metadata?.annotations?.[OPENSLO_ANNOTATION];
}

/**
 * The file `redline.dev/openslo` points at, relative to the entity's
 * catalog file; undefined when the annotation is absent, inline or not a
 * usable path (parsing reports the last).
 * @public
 */
export function openSloFileReference(entity: Entity): string | undefined {
  const value = annotationOf(entity);
  if (typeof value !== 'string' || isInline(value)) return undefined;
  const path = value.trim();
  return FILE_REFERENCE.test(path) ? path : undefined;
}

/**
 * The entity with the referenced file's text in place of the path, so it is
 * described as if the documents were inline. The entity is not modified.
 * @public
 */
export function withOpenSloText(entity: Entity, text: string): Entity {
  return {
    ...entity,
    metadata: {
      ...entity.metadata,
      annotations: {
        ...entity.metadata.annotations,
        [OPENSLO_ANNOTATION]: text,
      },
    },
  };
}

/** What `redline.dev/openslo` contributes to a spec. */
export interface OpenSloSpecPart {
  /** The SLOs that replace the `redline.dev/slo-*` ones; undefined when no documents were read. */
  slos?: SloSpec[];
  findings: Finding[];
}

function finding(id: string, message: string, value?: string): Finding {
  return {
    id,
    severity: 'error',
    annotation: OPENSLO_ANNOTATION,
    message,
    ...(value !== undefined ? { value: value.slice(0, 200) } : {}),
    expected:
      'OpenSLO v1 YAML documents, or the relative path of a .yaml file beside catalog-info.yaml',
  };
}

/**
 * Reads the annotation's value (see the file comment) into SLOs for
 * `parseSpec`; undefined when the annotation is absent.
 */
export function readOpenSloAnnotation(
  annotations: Record<string, unknown>,
  target: OpenSloTarget & { bucketSource: BucketSource },
): OpenSloSpecPart | undefined {
  if (!Object.prototype.hasOwnProperty.call(annotations, OPENSLO_ANNOTATION))
    return undefined;
  const raw = annotations[OPENSLO_ANNOTATION];
  if (typeof raw !== 'string')
    return {
      findings: [
        finding(
          'annotation.invalid',
          `${OPENSLO_ANNOTATION} must be a string (quote the value in YAML).`,
        ),
      ],
    };
  if (!isInline(raw)) {
    const path = raw.trim();
    return {
      findings: [
        FILE_REFERENCE.test(path)
          ? finding(
              'openslo.unread',
              `${OPENSLO_ANNOTATION} points at ${path}, which was not read (the portal reads it through its URL reader, the CLI from beside the catalog file), so the redline.dev/slo-* annotations apply.`,
              path,
            )
          : finding(
              'annotation.invalid',
              `${OPENSLO_ANNOTATION} must hold OpenSLO documents or a relative path to a .yaml file without "..".`,
              path,
            ),
      ],
    };
  }
  const parsed = parseOpenSloDocuments(raw);
  const imported = importOpenSlo(parsed.documents, target);
  const findings = [...parsed.findings, ...imported.findings];
  const window = imported.window ?? {
    type: 'rolling' as const,
    days: 30 as const,
  };
  const windowDays = sloWindowDays(window);
  const slos = imported.slos.map(s => {
    const slo: SloSpec = {
      slo: s.slo,
      objectivePercent: s.objectivePercent,
      ...(s.thresholdSeconds !== undefined
        ? { thresholdSeconds: s.thresholdSeconds }
        : {}),
      windowDays,
      window,
      annotation: OPENSLO_ANNOTATION,
    };
    const bucket = latencyBucketFinding(
      slo,
      target.metrics,
      target.bucketSource,
    );
    if (bucket) {
      // Its fix is a redline.dev/slo-latency snippet; here the document is what to edit.
      const withoutFix = { ...bucket };
      delete withoutFix.fix;
      findings.push(withoutFix);
    }
    return slo;
  });
  return { slos, findings };
}
