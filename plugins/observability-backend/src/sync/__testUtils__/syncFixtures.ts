import { ROOT_CONTEXT } from '@opentelemetry/api';
import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  DEFAULT_GENERATOR_CONFIG,
  type RuleGroup,
  withChecks,
  withGenerators,
} from '@redline/backstage-plugin-observability-common';
import type { ApplyLogEntry } from '../../database/ApplyLogStore';
import { component } from '../../__testUtils__/entities';
import { EntityObservabilityService } from '../../services/EntityObservabilityService';
import { OutboundHttp } from '../../services/OutboundHttp';
import { createRuleTarget } from '../../ruleTargets/registry';
import type { RuleTarget } from '../../ruleTargets/RuleTarget';
import type { RequestContext } from '../../telemetry/context';
import { CatalogRuleSync } from '../CatalogRuleSync';
import type { SyncLimits } from '../syncLimits';

export function testContext(signal?: AbortSignal): RequestContext {
  return {
    correlationId: 'sync-test',
    logger: mockServices.logger.mock(),
    trace: ROOT_CONTEXT,
    ...(signal ? { signal } : {}),
  };
}

/** Three services of two teams, with SLOs so each declares several groups. */
export function syncCatalog(): Entity[] {
  const slo = (runbook: string) => ({
    'redline.dev/slo-availability': '99.9',
    'redline.dev/slo-latency': '99% < 300ms',
    'redline.dev/runbook-url': `https://runbooks.example/${runbook}`,
  });
  return [
    component('checkout', slo('checkout')),
    component('ledger', slo('ledger'), 'group:default/finance'),
    component('search', { 'redline.dev/runbook-url': 'https://r.example/s' }),
  ];
}

export function testHttp(): OutboundHttp {
  return OutboundHttp.create({
    retry: { attempts: 2, initialDelayMs: 1, maxDelayMs: 5 },
    timeoutMs: 2000,
  });
}

export function rulerTarget(url: string): RuleTarget {
  return createRuleTarget(
    {
      name: 'mimir',
      type: 'mimir-ruler',
      options: { url, tenant: 'redline' },
    },
    { http: testHttp() },
    'observability.ruleTargets[0]',
  );
}

/** A vmalert-file target on `rulesDirectory`, reloading the server at `url`. */
export function vmalertFileTarget(
  rulesDirectory: string,
  url: string,
): RuleTarget {
  return createRuleTarget(
    { name: 'vm', type: 'vmalert-file', options: { rulesDirectory, url } },
    { http: testHttp() },
    'observability.ruleTargets[0]',
  );
}

/** The describe step the tab uses, over the given entities. */
export function describer(): EntityObservabilityService {
  return EntityObservabilityService.create({
    catalog: {} as any,
    generator: DEFAULT_GENERATOR_CONFIG,
    generators: withGenerators([]),
    checks: withChecks([]),
  });
}

export function syncFor(
  entities: Entity[],
  options: { limits?: Partial<SyncLimits>; log?: ApplyLogEntry[] } = {},
) {
  const log = options.log ?? [];
  const sync = CatalogRuleSync.create({
    catalog: catalogServiceMock({ entities }),
    auth: mockServices.auth(),
    describer: describer(),
    applyLog: { record: async entry => void log.push(entry) },
    pageSize: 2,
    limits: { batchSize: 2, concurrency: 2, pauseMs: 0, ...options.limits },
  });
  return { sync, log };
}

/**
 * Every group each namespace declares, as the describe step generates them:
 * by name, or by what `pick` keeps of each group.
 */
export function declaredGroupNames(
  entities: Entity[],
  pick: (group: RuleGroup) => string = group => group.name,
): Map<string, string[]> {
  const describe = describer();
  return new Map(
    entities.map(entity => [
      `component:default/${entity.metadata.name}`,
      describe.describe(entity).artifacts.rules.groups.map(pick).sort(),
    ]),
  );
}

/** Twelve services of three teams whose rules depend on `errorRateThreshold`. */
export function convergenceCatalog(errorRateThreshold: string): Entity[] {
  return Array.from({ length: 12 }, (_, i) =>
    component(
      `svc-${i}`,
      {
        'redline.dev/slo-availability': '99.9',
        'redline.dev/error-rate-threshold': errorRateThreshold,
        'redline.dev/runbook-url': `https://runbooks.example/svc-${i}`,
      },
      `group:default/team-${i % 3}`,
    ),
  );
}
