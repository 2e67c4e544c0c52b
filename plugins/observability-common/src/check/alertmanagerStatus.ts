/** The `alertmanagerConfig` fact, read from an Alertmanager's `/api/v2/status` answer. */
import { parse } from 'yaml';
import type { EntityFacts } from './types';

type ConfigFact = NonNullable<EntityFacts['alertmanagerConfig']>;

/**
 * What Alertmanager says it is running: `config.original` of its
 * `/api/v2/status` answer, parsed as YAML. Never throws: an answer without
 * that field, or one that is not YAML, is `unknown` naming what was wrong.
 * @public
 */
export function alertmanagerConfigFact(
  source: string,
  status: unknown,
): ConfigFact {
  const config = (status as { config?: { original?: unknown } } | null)?.config;
  const original = config?.original;
  if (typeof original !== 'string') {
    return {
      status: 'unknown',
      source,
      reason: '/api/v2/status has no config.original',
    };
  }
  let parsed: unknown;
  try {
    parsed = parse(original);
  } catch (error) {
    return {
      status: 'unknown',
      source,
      reason: `config.original of /api/v2/status is not YAML (${
        (error as Error).message.split('\n')[0]
      })`,
    };
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return {
      status: 'unknown',
      source,
      reason: 'config.original of /api/v2/status is not a YAML mapping',
    };
  }
  const { route, receivers } = parsed as Record<string, unknown>;
  return { status: 'ok', source, config: { route, receivers } };
}
