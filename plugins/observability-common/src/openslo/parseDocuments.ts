/**
 * OpenSLO YAML text -> validated documents. A document that is not valid
 * becomes a finding naming the document and the field, and is left out;
 * the others are still read.
 */
import { parseAllDocuments } from 'yaml';
import type { Finding } from '../spec/types';
import { openSloDocumentSchema, type OpenSloDocument } from './schema';

/** The annotation that declares an entity's SLOs as OpenSLO. @public */
export const OPENSLO_ANNOTATION = 'redline.dev/openslo';

/** Largest OpenSLO text read: far above any real service's SLOs, small enough to parse on every describe. */
export const MAX_OPENSLO_BYTES = 256 * 1024;

/** Documents that passed the schema, and a finding per one that did not. @public */
export interface ParsedOpenSlo {
  documents: OpenSloDocument[];
  findings: Finding[];
}

function documentLabel(value: unknown, index: number): string {
  const v = (value ?? {}) as { kind?: unknown; metadata?: { name?: unknown } };
  const kind = typeof v.kind === 'string' ? v.kind : 'document';
  const name =
    typeof v.metadata?.name === 'string' ? ` "${v.metadata.name}"` : '';
  return `OpenSLO document ${index + 1} (${kind}${name})`;
}

function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((p, i) =>
      typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`,
    )
    .join('');
}

function invalid(message: string, value?: string): Finding {
  return {
    id: 'openslo.invalid',
    severity: 'error',
    annotation: OPENSLO_ANNOTATION,
    message,
    ...(value !== undefined ? { value } : {}),
    expected: 'OpenSLO v1 documents (apiVersion: openslo/v1)',
  };
}

/**
 * Parses and validates every document of `text` (YAML, `---`-separated).
 * Empty documents are skipped. Never throws.
 * @public
 */
export function parseOpenSloDocuments(text: string): ParsedOpenSlo {
  const findings: Finding[] = [];
  const documents: OpenSloDocument[] = [];
  if (text.length > MAX_OPENSLO_BYTES) {
    findings.push(
      invalid(
        `The OpenSLO text is ${text.length} characters long; at most ${MAX_OPENSLO_BYTES} are read. No SLO was read from it.`,
      ),
    );
    return { documents, findings };
  }
  parseAllDocuments(text).forEach((doc, index) => {
    if (doc.errors.length > 0) {
      findings.push(
        invalid(
          `OpenSLO document ${index + 1} is not valid YAML: ${
            doc.errors[0].message.split('\n')[0]
          }`,
        ),
      );
      return;
    }
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) return;
    const result = openSloDocumentSchema.safeParse(value);
    if (result.success) {
      documents.push(result.data);
      return;
    }
    const issue = result.error.issues[0];
    const where = fieldPath(issue.path);
    findings.push(
      invalid(
        `${documentLabel(value, index)}: ${where ? `${where} ` : ''}${
          issue.message
        }. The document was not read.`,
        where || undefined,
      ),
    );
  });
  return { documents, findings };
}
