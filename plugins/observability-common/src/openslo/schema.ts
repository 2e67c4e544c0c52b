/**
 * The OpenSLO v1 document schema, transcribed from the specification's
 * README (github.com/OpenSLO/OpenSLO, "Specification"): one zod schema per
 * object kind. Objects are strict, so a misspelt field is reported instead
 * of being ignored.
 *
 * Where the specification's own examples disagree with its notes, the schema
 * accepts what the examples write, so documents people copied from them
 * parse; the import reports the gap as a finding instead:
 * - names: the notes ask implementations to support at least RFC 1123
 *   labels, while the examples name objects `AlertPolicy` or
 *   `OnCallDevopsMailNotification`, so upper case is accepted too;
 * - `budgetingMethod` is "required", but the inline-SLI example omits it;
 * - `alertPolicies:` is written with no value in the budgeting examples.
 */
import { z } from 'zod';

/** The only version this schema reads and writes. @public */
export const OPENSLO_API_VERSION = 'openslo/v1';

const DESCRIPTION_MAX = 1050;

/** A label key or an annotation key's name segment. */
const KEY_NAME = /^[A-Za-z0-9](?:[-_.A-Za-z0-9]{0,61}[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN =
  /^(?=.{1,253}$)[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;

/** `12h`, `4w`, `1M`: a positive integer and one of m h d w M Q Y. */
export const DURATION_SHORTHAND = /^[1-9]\d*[mhdwMQY]$/;

const durationShorthand = z
  .string()
  .regex(
    DURATION_SHORTHAND,
    'must be a duration shorthand: a positive integer and one of m, h, d, w, M, Q, Y (e.g. 1h, 4w, 1M)',
  );

/** `alertAfter` defaults to `0m`, so zero is a valid value there. */
const alertAfterDuration = z
  .string()
  .regex(/^\d+[mhdwMQY]$/, 'must be a duration shorthand such as 0m, 5m or 1h');

const objectName = z
  .string()
  .max(253, 'must be at most 253 characters')
  .regex(
    /^[A-Za-z0-9](?:[-_.A-Za-z0-9]*[A-Za-z0-9])?$/,
    'must be a name: letters, digits, "-", "_" or ".", starting and ending with a letter or digit',
  );

const labelKey = z
  .string()
  .regex(
    KEY_NAME,
    'must be at most 63 characters: letters, digits, "-", "_" or ".", starting and ending with a letter or digit',
  );

const annotationKey = z.string().superRefine((key, ctx) => {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && !DNS_SUBDOMAIN.test(prefix)) {
    ctx.addIssue({
      code: 'custom',
      message: `annotation key prefix "${prefix}" must be a DNS subdomain of at most 253 characters`,
    });
  }
  if (!KEY_NAME.test(name)) {
    ctx.addIssue({
      code: 'custom',
      message: `annotation key name "${name}" must be at most 63 characters: letters, digits, "-", "_" or ".", starting and ending with a letter or digit`,
    });
  }
});

const description = z
  .string()
  .max(DESCRIPTION_MAX, `must be at most ${DESCRIPTION_MAX} characters`);

/** `metadata` of every object. @public */
export const openSloMetadataSchema = z.strictObject({
  name: objectName,
  displayName: z.string().optional(),
  labels: z
    .record(labelKey, z.union([z.string(), z.array(z.string())]))
    .optional(),
  annotations: z.record(annotationKey, z.string()).optional(),
});

const operator = z.enum(['lte', 'gte', 'lt', 'gt']);

/** Where an SLI reads its data; `spec` is free-form, per data source type. @public */
export const metricSourceSchema = z
  .strictObject({
    metricSourceRef: z.string().min(1).optional(),
    type: z.string().min(1).optional(),
    spec: z.record(z.string(), z.unknown()),
  })
  .refine(s => s.type !== undefined || s.metricSourceRef !== undefined, {
    message:
      'needs a type when it does not name a DataSource (metricSourceRef)',
    path: ['type'],
  });

const metricQuery = z.strictObject({ metricSource: metricSourceSchema });

const ratioMetricSchema = z
  .strictObject({
    counter: z.boolean().optional(),
    good: metricQuery.optional(),
    bad: metricQuery.optional(),
    total: metricQuery.optional(),
    rawType: z.enum(['success', 'failure']).optional(),
    raw: metricQuery.optional(),
  })
  .superRefine((r, ctx) => {
    const issue = (message: string, path: string) =>
      ctx.addIssue({ code: 'custom', message, path: [path] });
    if (r.raw !== undefined) {
      if (r.good || r.bad || r.total)
        issue('cannot be used together with good, bad or total', 'raw');
      if (r.rawType === undefined) issue('is required with raw', 'rawType');
      return;
    }
    if (r.rawType !== undefined) issue('is only used with raw', 'rawType');
    if (r.good && r.bad) issue('must not be set when good is set', 'bad');
    if (r.total === undefined) issue('is required (or use raw)', 'total');
    if (!r.good && !r.bad) issue('either good or bad is required', 'good');
  });

/** The `spec` of an SLI. @public */
export const sliSpecSchema = z
  .strictObject({
    description: description.optional(),
    thresholdMetric: metricQuery.optional(),
    ratioMetric: ratioMetricSchema.optional(),
  })
  .refine(
    s => (s.thresholdMetric === undefined) !== (s.ratioMetric === undefined),
    {
      message: 'exactly one of thresholdMetric or ratioMetric is required',
      path: ['ratioMetric'],
    },
  );

/** An SLI written inside an SLO or objective: metadata and spec only. */
const inlineSliSchema = z.strictObject({
  metadata: openSloMetadataSchema,
  spec: sliSpecSchema,
});

const timeWindowSchema = z
  .strictObject({
    duration: durationShorthand,
    isRolling: z.boolean().optional(),
    calendar: z
      .strictObject({
        startTime: z
          .string()
          .regex(
            /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/,
            'must be a date and 24h time without time zone, e.g. 2020-01-21 12:30:00',
          ),
        timeZone: z.string().min(1, 'must name an IANA time zone'),
      })
      .optional(),
  })
  .superRefine((w, ctx) => {
    if (w.isRolling === true && w.calendar !== undefined)
      ctx.addIssue({
        code: 'custom',
        message: 'a rolling window has no calendar',
        path: ['calendar'],
      });
    if (w.isRolling !== true && w.calendar === undefined)
      ctx.addIssue({
        code: 'custom',
        message: 'must be true for a rolling window, or give a calendar',
        path: ['isRolling'],
      });
  });

const objectiveSchema = z
  .strictObject({
    displayName: z.string().optional(),
    op: operator.optional(),
    value: z.number().optional(),
    target: z
      .number()
      .min(0, 'must be at least 0')
      .lt(1, 'must be below 1')
      .optional(),
    targetPercent: z
      .number()
      .min(0, 'must be at least 0')
      .lt(100, 'must be below 100')
      .optional(),
    timeSliceTarget: z
      .number()
      .gt(0, 'must be greater than 0')
      .max(1, 'must be at most 1')
      .optional(),
    timeSliceWindow: z
      .union([z.number().positive(), durationShorthand])
      .optional(),
    indicator: inlineSliSchema.optional(),
    indicatorRef: z.string().min(1).optional(),
    compositeWeight: z.number().gt(0, 'must be greater than 0').optional(),
  })
  .refine(o => (o.target === undefined) !== (o.targetPercent === undefined), {
    message: 'exactly one of target or targetPercent is required',
    path: ['target'],
  });

const alertConditionSpecSchema = z.strictObject({
  description: description.optional(),
  severity: z.string().min(1, 'is required'),
  condition: z.strictObject({
    kind: z.literal('burnrate').optional(),
    op: operator,
    threshold: z.number(),
    lookbackWindow: durationShorthand,
    alertAfter: alertAfterDuration.optional(),
  }),
});

const alertNotificationTargetSpecSchema = z.strictObject({
  target: z.string().min(1, 'is required'),
  description: description.optional(),
});

function inlineObject<K extends string, S extends z.ZodType>(kind: K, spec: S) {
  return z.strictObject({
    kind: z.literal(kind),
    metadata: openSloMetadataSchema,
    spec,
  });
}

const alertPolicySpecSchema = z.strictObject({
  description: description.optional(),
  alertWhenNoData: z.boolean().optional(),
  alertWhenResolved: z.boolean().optional(),
  alertWhenBreaching: z.boolean().optional(),
  conditions: z
    .array(
      z.union([
        z.strictObject({ conditionRef: z.string().min(1) }),
        inlineObject('AlertCondition', alertConditionSpecSchema),
      ]),
    )
    .length(1, 'must hold exactly one condition'),
  notificationTargets: z.array(
    z.union([
      z.strictObject({ targetRef: z.string().min(1) }),
      inlineObject(
        'AlertNotificationTarget',
        alertNotificationTargetSpecSchema,
      ),
    ]),
  ),
});

const sloSpecSchema = z
  .strictObject({
    description: description.optional(),
    service: z.string().min(1, 'is required'),
    indicator: inlineSliSchema.optional(),
    indicatorRef: z.string().min(1).optional(),
    timeWindow: z
      .array(timeWindowSchema)
      .length(1, 'must hold exactly one window')
      .optional(),
    budgetingMethod: z
      .enum(['Occurrences', 'Timeslices', 'RatioTimeslices'])
      .optional(),
    objectives: z.array(objectiveSchema).min(1, 'needs at least one objective'),
    alertPolicies: z
      .array(
        z.union([
          z.strictObject({ alertPolicyRef: z.string().min(1) }),
          inlineObject('AlertPolicy', alertPolicySpecSchema),
        ]),
      )
      .nullish(),
  })
  .superRefine((s, ctx) => {
    const composite = s.objectives.every(
      o => o.indicator !== undefined || o.indicatorRef !== undefined,
    );
    if (s.indicator && s.indicatorRef)
      ctx.addIssue({
        code: 'custom',
        message: 'give indicator or indicatorRef, not both',
        path: ['indicatorRef'],
      });
    if (!s.indicator && !s.indicatorRef && !composite)
      ctx.addIssue({
        code: 'custom',
        message:
          'one of indicator or indicatorRef is required (or one per objective, for a composite SLO)',
        path: ['indicator'],
      });
    if (s.indicator?.spec.thresholdMetric && s.objectives.length > 1)
      ctx.addIssue({
        code: 'custom',
        message: 'a thresholdMetric SLO has exactly one objective',
        path: ['objectives'],
      });
    s.objectives.forEach((o, i) => {
      if (s.budgetingMethod === 'Timeslices' && o.timeSliceTarget === undefined)
        ctx.addIssue({
          code: 'custom',
          message: 'is required with budgetingMethod Timeslices',
          path: ['objectives', i, 'timeSliceTarget'],
        });
      if (
        (s.budgetingMethod === 'Timeslices' ||
          s.budgetingMethod === 'RatioTimeslices') &&
        o.timeSliceWindow === undefined
      )
        ctx.addIssue({
          code: 'custom',
          message: `is required with budgetingMethod ${s.budgetingMethod}`,
          path: ['objectives', i, 'timeSliceWindow'],
        });
    });
  });

function document<K extends string, S extends z.ZodType>(kind: K, spec: S) {
  return z.strictObject({
    apiVersion: z.literal(OPENSLO_API_VERSION),
    kind: z.literal(kind),
    metadata: openSloMetadataSchema,
    spec,
  });
}

/** Every OpenSLO v1 document, told apart by `kind`. @public */
export const openSloDocumentSchema = z.discriminatedUnion('kind', [
  document(
    'DataSource',
    z.strictObject({
      description: description.optional(),
      type: z.string().min(1, 'is required'),
      connectionDetails: z.record(z.string(), z.unknown()),
    }),
  ),
  document('SLO', sloSpecSchema),
  document('SLI', sliSpecSchema),
  document('AlertPolicy', alertPolicySpecSchema),
  document('AlertCondition', alertConditionSpecSchema),
  document('AlertNotificationTarget', alertNotificationTargetSpecSchema),
  document('Service', z.strictObject({ description: description.optional() })),
]);

/** One validated OpenSLO v1 document. @public */
export type OpenSloDocument = z.infer<typeof openSloDocumentSchema>;
/** @public */
export type OpenSloKind = OpenSloDocument['kind'];
/** An OpenSLO document of one kind. @public */
export type OpenSloOf<K extends OpenSloKind> = Extract<
  OpenSloDocument,
  { kind: K }
>;
/** An SLI's spec. @public */
export type OpenSloSliSpec = z.infer<typeof sliSpecSchema>;
/** An SLO objective. @public */
export type OpenSloObjective = z.infer<typeof objectiveSchema>;
/** An alert condition's spec. @public */
export type OpenSloAlertConditionSpec = z.infer<
  typeof alertConditionSpecSchema
>;
/** An alert policy's spec. @public */
export type OpenSloAlertPolicySpec = z.infer<typeof alertPolicySpecSchema>;
