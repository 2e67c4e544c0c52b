/**
 * The seed's `output_schema` as zod, so the backend, the CLI and tests
 * validate the output object with the same definition the JSON Schema file
 * (`schema/observability-output.schema.json`) is generated from.
 */
import { z } from 'zod';

/** Levels of the seed's fallback order. @public */
export const designLevelSchema = z.enum([
  'FULL_OBSERVABILITY_DESIGN',
  'LOGGING_ONLY',
  'BASIC_METRICS',
]);

/** @public */
export const observabilityOutputSchema = z
  .object({
    observability_design: z.object({
      pillars: z.array(z.string()),
      tools: z.array(z.string()),
      dashboards: z.array(z.record(z.string(), z.unknown())),
      level: designLevelSchema
        .optional()
        .describe(
          'Rung of the fallback order: FULL_OBSERVABILITY_DESIGN, then LOGGING_ONLY, then BASIC_METRICS.',
        ),
      level_reason: z.string().optional().describe('Why this rung was chosen.'),
    }),
    configuration: z.array(
      z.object({
        component: z.string(),
        config: z.string(),
      }),
    ),
    alerts: z.array(z.record(z.string(), z.unknown())),
    runbooks: z
      .array(z.string())
      .describe('One Markdown runbook per alert name.'),
    confidence_score: z.number().min(0).max(1),
  })
  .meta({
    title: 'Redline observability output',
    description:
      "The seed's output object for one entity: design, configuration files, alerts, runbooks and a confidence score.",
  });

/**
 * The JSON Schema of {@link observabilityOutputSchema} (draft 2020-12), as
 * committed in `schema/observability-output.schema.json`.
 * @public
 */
export function observabilityOutputJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(observabilityOutputSchema) as Record<string, unknown>;
}
