import type { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  describeRemaining,
  judgeErrorBudgets,
} from '@redline/backstage-plugin-observability-common';
import { entityOfInput, entityRefInput, stepExample } from './entityInput';
import type { SloStatusService } from '../../services/SloStatusService';
import { backgroundContext } from '../../telemetry/context';

/** Id of the action, as templates reference it. @public */
export const BUDGET_GATE_ACTION_ID = 'redline:observability:budget-gate';

/**
 * `redline:observability:budget-gate`: fails the step when an SLO of the
 * entity has spent its error budget (or has less left than the floor), so a
 * deploy template stops before shipping into a burning service. The
 * numbers are the SLO tab's (`SloStatusService`), judged as `redline
 * budget` judges them.
 * @public
 */
export function createBudgetGateAction(options: {
  catalog: CatalogService;
  slos: SloStatusService;
}) {
  const { catalog, slos } = options;
  return createTemplateAction({
    id: BUDGET_GATE_ACTION_ID,
    description:
      "Fails when an SLO of the entity has exhausted its error budget or has less left than minRemainingPercent; the SLO tab's numbers",
    examples: [
      {
        description: 'Stop a deploy when less than 10 % of a budget is left',
        example: stepExample('budget', BUDGET_GATE_ACTION_ID, {
          minRemainingPercent: 10,
        }),
      },
    ],
    // It only reads, so a dry run answers what the real run would.
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: entityRefInput('Entity whose SLOs gate'),
        minRemainingPercent: z =>
          z
            .number()
            .min(0)
            .max(100)
            .optional()
            .describe(
              'Fail when a budget has less than this share left (percent). Default 0: fail only when spent',
            ),
        failOnNoData: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Fail when an SLO has no data (no traffic, no series). Default false: logged as a warning',
            ),
      },
      output: {
        remainingPercent: z =>
          z
            .record(z.string(), z.number().nullable())
            .describe('Budget remaining per SLO, in percent; null: no data'),
        healthy: z =>
          z.boolean().describe('Whether every budget is above the floor'),
      },
    },
    async handler(ctx) {
      const { entity, credentials } = await entityOfInput(
        ctx.input,
        ctx,
        catalog,
      );
      const response = await slos.status(entity, {
        credentials,
        ctx: backgroundContext(ctx.logger, { action: BUDGET_GATE_ACTION_ID }),
      });
      const result = judgeErrorBudgets(response, {
        minRemainingPercent: ctx.input.minRemainingPercent ?? 0,
        failOnNoData: ctx.input.failOnNoData ?? false,
      });

      for (const s of response.slos)
        ctx.logger.info(
          `${response.entityRef} ${s.slo}: ${s.health}, attainment ${
            s.attainmentPercent === null
              ? 'no data'
              : `${s.attainmentPercent.toFixed(3)} %`
          }, budget ${describeRemaining(s)}, burn rate 1h ${
            s.burnRate.h1?.toFixed(2) ?? 'no data'
          } / 6h ${s.burnRate.h6?.toFixed(2) ?? 'no data'}`,
        );
      if (response.slos.length === 0)
        ctx.logger.warn(
          `${response.entityRef} declares no SLO; nothing to gate`,
        );
      for (const v of result.verdicts) {
        if (v.outcome === 'no-data') ctx.logger.warn(v.message);
      }

      ctx.output(
        'remainingPercent',
        Object.fromEntries(
          result.verdicts.map(v => [v.slo, v.remainingPercent]),
        ),
      );
      ctx.output('healthy', result.passed);
      if (!result.passed) {
        const failing = result.verdicts
          .filter(v => v.outcome === 'fail')
          .map(v => v.message);
        throw new Error(
          `Error budget gate failed: ${
            failing.length
              ? failing.join('; ')
              : `${response.entityRef} declares no SLO, and no data fails this gate`
          }`,
        );
      }
      ctx.logger.info(
        `Error budget gate passed for ${response.entityRef} (floor ${
          ctx.input.minRemainingPercent ?? 0
        } %)`,
      );
    },
  });
}
