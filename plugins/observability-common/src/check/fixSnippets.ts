/**
 * Copyable YAML a team pastes into its `catalog-info.yaml` to fix a check.
 * Values are written as JSON strings, which are valid YAML double-quoted
 * scalars, so catalog text can never break the snippet.
 */

/** A `metadata.annotations` block setting one or more annotations. @public */
export function annotationSnippet(values: Record<string, string>): string {
  const lines = Object.entries(values).map(
    ([key, value]) => `    ${key}: ${JSON.stringify(value)}`,
  );
  return ['metadata:', '  annotations:', ...lines].join('\n');
}

/** A `spec.owner` block. @public */
export function ownerSnippet(owner: string): string {
  return ['spec:', `  owner: ${JSON.stringify(owner)}`].join('\n');
}
