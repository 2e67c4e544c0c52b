/**
 * `redline:observability:budget-gate` against a real Prometheus over 30
 * days of backfilled history (the shared kit), through the SLO tab's own
 * `SloStatusService`, evaluated at the end of the data.
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  DEFAULT_GENERATOR_CONFIG,
  withChecks,
  withGenerators,
} from '@redline/backstage-plugin-observability-common';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import {
  startBackfilledPrometheus,
  type BackfilledPrometheus,
} from '../../../../../test/support/backfilledPrometheus';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- as above
import {
  describeWithBinary,
  requireBinary,
} from '../../../../../test/support/binaries';
import { component } from '../../__testUtils__/entities';
import { EntityFactsService } from '../../services/EntityFactsService';
import { EntityObservabilityService } from '../../services/EntityObservabilityService';
import { OutboundHttp } from '../../services/OutboundHttp';
import { PrometheusClient } from '../../services/PrometheusClient';
import { RunbookChecker } from '../../services/RunbookChecker';
import { SloStatusService } from '../../services/SloStatusService';
import { scaffolderModuleRedlineObservability } from '../module';
import { BUDGET_GATE_ACTION_ID, createBudgetGateAction } from './budgetGate';

jest.setTimeout(60_000);

const DAY = 86_400;
/** The end of the data: the service's clock is set here. */
const END = Date.UTC(2026, 9, 1) / 1000;

const ENTITIES = [
  component('checkout', {
    'redline.dev/slo-availability': '99.9',
    'redline.dev/service-name': 'checkout-api',
  }),
  component('payments', {
    'redline.dev/slo-availability': '99.9',
    'redline.dev/service-name': 'payments-api',
  }),
  component('ghost', {
    'redline.dev/slo-availability': '99.9',
    'redline.dev/service-name': 'ghost-api',
  }),
];

/** A scaffolder action context built by hand, as the generate action's test does. */
function mockContext(input: Record<string, unknown>) {
  const outputs: Record<string, unknown> = {};
  const logger = mockServices.logger.mock();
  return {
    outputs,
    logger,
    ctx: {
      input,
      workspacePath: '/nonexistent',
      isDryRun: false,
      logger,
      output: (name: string, value: unknown) => {
        outputs[name] = value;
      },
      getInitiatorCredentials: async () => mockCredentials.user(),
      checkpoint: async ({ fn }: { fn: () => Promise<unknown> }) => fn(),
      task: { id: 'task-1' },
    } as any,
  };
}

const logged = (logger: ReturnType<typeof mockServices.logger.mock>) =>
  [...logger.info.mock.calls, ...logger.warn.mock.calls]
    .map(([message]) => message)
    .join('\n');

it('is registered by the scaffolder module beside the generate action', async () => {
  const addActions = jest.fn();
  await startTestBackend({
    extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
    features: [
      scaffolderModuleRedlineObservability,
      catalogServiceMock.factory(),
      mockServices.rootConfig.factory({ data: {} }),
    ],
  });
  expect(addActions.mock.calls[0].map((a: { id: string }) => a.id)).toEqual([
    'redline:observability:generate',
    BUDGET_GATE_ACTION_ID,
  ]);
});

const promtool = requireBinary('promtool');

describeWithBinary('prometheus')(
  'redline:observability:budget-gate on a backfilled Prometheus',
  prometheusBinary => {
    let prometheus: BackfilledPrometheus | undefined;
    let action: ReturnType<typeof createBudgetGateAction>;

    beforeAll(async () => {
      if (!promtool) throw new Error('promtool is required next to prometheus');
      prometheus = await startBackfilledPrometheus(
        { prometheus: prometheusBinary, promtool },
        {
          begin: END - 30 * DAY - 3600,
          end: END,
          step: 3600,
          services: {
            'checkout-api': { errorRatio: () => 0.0001 },
            'payments-api': { errorRatio: () => 0.002 },
          },
        },
      );
      const catalog = catalogServiceMock({ entities: ENTITIES });
      const http = OutboundHttp.create({
        retry: { attempts: 1, initialDelayMs: 10, maxDelayMs: 20 },
        timeoutMs: 20_000,
        openCircuitMs: 1000,
        maxResponseBytes: 50_000_000,
      });
      const slos = SloStatusService.create({
        entities: EntityObservabilityService.create({
          catalog,
          generator: DEFAULT_GENERATOR_CONFIG,
          generators: withGenerators([]),
          checks: withChecks([]),
        }),
        facts: EntityFactsService.create({
          catalog,
          prometheus: [
            PrometheusClient.create({
              instance: {
                name: 'backfilled',
                url: prometheus.url,
                default: true,
              },
              http,
              rulesTtlMs: 60_000,
            }),
          ],
          alertmanagers: [],
          runbooks: RunbookChecker.create({
            http,
            allowedHosts: [],
            timeoutMs: 1000,
          }),
          stormThreshold: 50,
        }),
        now: () => END * 1000,
      });
      action = createBudgetGateAction({ catalog, slos });
    });
    afterAll(async () => {
      await prometheus?.stop();
    });

    it('passes a healthy budget, logging the numbers and setting outputs', async () => {
      const { ctx, outputs, logger } = mockContext({
        entityRef: 'component:default/checkout',
      });
      await action.handler(ctx);
      expect(outputs.healthy).toBe(true);
      const remaining = outputs.remainingPercent as Record<string, number>;
      expect(Object.keys(remaining)).toEqual(['availability']);
      expect(remaining.availability).toBeCloseTo(90, 1);
      expect(logged(logger)).toMatch(
        /component:default\/checkout availability: meeting, attainment 99\.990 %, budget remaining 90\.0 % \(2332\d requests, 38\.9 min\), burn rate 1h 0\.10 \/ 6h 0\.10/,
      );
    });

    it('throws on an exhausted budget, with the numbers in the message', async () => {
      const { ctx, outputs } = mockContext({
        entityRef: 'component:default/payments',
      });
      await expect(action.handler(ctx)).rejects.toThrow(
        /^Error budget gate failed: component:default\/payments availability SLO \(99\.9 % over 30 days, rolling\): error budget exhausted: remaining -100\.0 % \(-2592\d requests, -43\.2 min\), attainment 99\.800 %$/,
      );
      expect(outputs.healthy).toBe(false);
      expect(
        (outputs.remainingPercent as Record<string, number>).availability,
      ).toBeCloseTo(-100, 1);
    });

    it('throws below minRemainingPercent, and on no data only with failOnNoData', async () => {
      await expect(
        action.handler(
          mockContext({
            entityRef: 'component:default/checkout',
            minRemainingPercent: 95,
          }).ctx,
        ),
      ).rejects.toThrow(
        /error budget below the floor of 95 %: remaining 90\.0 %/,
      );

      const lenient = mockContext({ entityRef: 'component:default/ghost' });
      await action.handler(lenient.ctx);
      expect(lenient.outputs).toEqual({
        remainingPercent: { availability: null },
        healthy: true,
      });
      expect(lenient.logger.warn).toHaveBeenCalledWith(
        expect.stringMatching(/NO DATA, not judged: No series/),
      );
      await expect(
        action.handler(
          mockContext({
            entityRef: 'component:default/ghost',
            failOnNoData: true,
          }).ctx,
        ),
      ).rejects.toThrow(/no data, and no data fails this gate: No series/);
    });
  },
);
