import { normalizeEntityRef, ruleFileNameFor } from '../services/RuleFiles';

/**
 * A ruler namespace carries no header to name its entity, so the name
 * itself must read back as the entity ref: a sync has to find the
 * namespaces of entities deleted from the catalog. Where the rule file name
 * is readable (`redline-component-default-checkout.yaml`) the namespace is
 * its stem; where the file name falls back to a hash, the namespace spells
 * the ref in hex instead (hex has no `-`, so the last `--` splits it off).
 * @internal
 */
export function rulerNamespaceFor(prefix: string, entityRef: string): string {
  const stem = ruleFileNameFor(entityRef).slice(
    'redline-'.length,
    -'.yaml'.length,
  );
  const split = stem.lastIndexOf('--');
  if (split === -1) return `${prefix}${stem}`;
  const hex = Buffer.from(normalizeEntityRef(entityRef), 'utf8').toString(
    'hex',
  );
  return `${prefix}${stem.slice(0, split)}--${hex}`;
}

/**
 * The entity whose namespace this is, or undefined when Redline would not
 * have named any entity's namespace so: a namespace another tool or a
 * person created, even one that starts with the prefix.
 * @internal
 */
export function entityRefOfRulerNamespace(
  prefix: string,
  namespace: string,
): string | undefined {
  if (!namespace.startsWith(prefix)) return undefined;
  const stem = namespace.slice(prefix.length);
  const split = stem.lastIndexOf('--');
  let candidate: string | undefined;
  if (split === -1) {
    const parts = /^([a-z0-9]+)-([a-z0-9]+)-(.+)$/.exec(stem);
    if (parts) candidate = `${parts[1]}:${parts[2]}/${parts[3]}`;
  } else {
    const hex = stem.slice(split + 2);
    if (/^(?:[0-9a-f]{2})+$/.test(hex))
      candidate = Buffer.from(hex, 'hex').toString('utf8');
  }
  if (candidate === undefined) return undefined;
  try {
    const entityRef = normalizeEntityRef(candidate);
    return rulerNamespaceFor(prefix, entityRef) === namespace
      ? entityRef
      : undefined;
  } catch {
    return undefined;
  }
}
