import type {
  AlertmanagerApiAlert,
  PrometheusApiRuleGroup,
} from '@redline/backstage-plugin-observability-common';
import { z } from 'zod';
import { OutboundError } from './retry';

/**
 * The parts of Prometheus' and Alertmanager's answers Redline reads, checked
 * before anything reads them: a proxy's error page or another API version
 * must become "answered with an unexpected shape", not a JavaScript error
 * in the tab. Unknown fields pass; only what the code relies on is required.
 */

const labels = z.record(z.string(), z.string());

const rule = z.looseObject({
  type: z.enum(['alerting', 'recording']),
  name: z.string(),
  query: z.string(),
  labels: labels.optional(),
  annotations: labels.optional(),
  alerts: z
    .array(
      z.looseObject({
        labels,
        annotations: labels.optional(),
        state: z.string(),
      }),
    )
    .optional(),
});

const rules = z.looseObject({
  groups: z
    .array(
      z.looseObject({
        name: z.string(),
        file: z.string().optional(),
        rules: z.array(rule),
      }),
    )
    // vmalert with no rule file loaded answers `"groups": null`.
    .nullable()
    .transform(groups => groups ?? []),
});

const sample = z.tuple([z.number(), z.string()]);

const vector = z.looseObject({
  resultType: z.literal('vector'),
  result: z.array(z.looseObject({ metric: labels, value: sample })),
});

const matrix = z.looseObject({
  resultType: z.literal('matrix'),
  result: z.array(z.looseObject({ metric: labels, values: z.array(sample) })),
});

/** Prometheus' envelope; `data` is checked by the question's own schema. */
const envelope = z.discriminatedUnion('status', [
  z.looseObject({ status: z.literal('success'), data: z.unknown() }),
  z.looseObject({
    status: z.literal('error'),
    errorType: z.string().optional(),
    error: z.string().optional(),
  }),
]);

const alerts = z.array(
  z.looseObject({
    fingerprint: z.string(),
    labels,
    annotations: labels.optional(),
    startsAt: z.string().optional(),
    status: z.looseObject({ state: z.string() }),
  }),
);

/** @internal */
export const prometheusShapes = {
  rules: rules as z.ZodType<{ groups: PrometheusApiRuleGroup[] }>,
  vector: vector as z.ZodType<z.infer<typeof vector>>,
  matrix: matrix as z.ZodType<z.infer<typeof matrix>>,
};

/** @internal */
export type InstantVector = z.infer<typeof vector>;
/** @internal */
export type RangeMatrix = z.infer<typeof matrix>;

/**
 * `value` checked against `schema`, or a `bad-answer` {@link OutboundError}
 * naming the first field that is wrong (never the value itself, which may
 * be large or belong to someone else).
 * @internal
 */
export function checkShape<T>(
  schema: z.ZodType<T>,
  value: unknown,
  target: string,
  path: Array<string | number> = [],
): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const [issue] = parsed.error.issues;
  const where = [...path, ...(issue?.path ?? [])].map(String).join('.');
  throw new OutboundError(
    `${target} answered with an unexpected shape (${where || 'answer'}: ${
      issue?.message ?? 'invalid'
    })`,
    { kind: 'bad-answer' },
  );
}

/**
 * The `data` of a Prometheus API answer in the shape `schema` describes;
 * an `error` envelope fails as the query's own (client) error.
 * @internal
 */
export function prometheusData<T>(
  schema: z.ZodType<T>,
  value: unknown,
  target: string,
): T {
  const answer = checkShape(envelope, value, target);
  if (answer.status !== 'success') {
    throw new OutboundError(
      `${target} query failed: ${answer.errorType ?? 'error'}: ${
        answer.error ?? 'unknown'
      }`,
      { kind: 'client' },
    );
  }
  return checkShape(schema, answer.data, target, ['data']);
}

/** Alertmanager's `/api/v2/alerts` answer, checked. @internal */
export function alertmanagerAlerts(
  value: unknown,
  target: string,
): AlertmanagerApiAlert[] {
  return checkShape(alerts, value, target) as AlertmanagerApiAlert[];
}
