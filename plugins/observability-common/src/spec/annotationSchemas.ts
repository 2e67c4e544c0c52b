/**
 * One zod schema per annotation. Each schema takes the raw annotation string
 * and yields the normalised value; its first issue message becomes the
 * `message` of an `annotation.invalid` finding, so messages are written for
 * the person who will edit the YAML.
 */
import { z } from 'zod';
import { ANNOTATIONS, FOREIGN_ANNOTATIONS } from './annotations';
import {
  formatLabelMatchers,
  LabelMatcher,
  parseLabelMatchers,
} from './labelMatchers';
import type { SloWindow } from './types';
import { goUrlParseError, hasUrlCredentials, isHttpUrl } from './url';

/** How one annotation is validated and explained. @public */
export interface AnnotationDefinition<T> {
  key: string;
  schema: z.ZodType<T, string>;
  /** What a valid value looks like, in words. */
  expected: string;
  /** A valid example value, used in fix snippets. */
  example: string;
  /**
   * The example for one service, where the value names the service: a fix
   * snippet is pasted as it is, and one naming another service would make
   * the entity's alerts watch that service.
   */
  exampleFor?: (service: string) => string;
  /** What happens when the annotation is absent or invalid. */
  fallback: string;
  /** The value is a secret: never repeated in findings, never kept in memory. */
  secret?: boolean;
}

/** Largest accepted latency (10 minutes): beyond that a request-latency alert is meaningless. */
const MAX_LATENCY_MS = 600_000;

/** Rounds away binary floating-point noise (0.7 / 100 = 0.006999…). @public */
export function roundNumber(value: number): number {
  // Integers of up to 12 digits carry no noise to round away (and are exact
  // at 12 significant digits), so they skip the string round trip.
  if (Number.isInteger(value) && value < 1e12 && value > -1e12) return value;
  return Number(value.toPrecision(12));
}

const percentString = z
  .string()
  .trim()
  .regex(
    /^\d+(?:\.\d+)?\s*%?$/,
    'must be a number of percent such as "99.9" (no other text)',
  )
  .transform(v => Number(v.replace('%', '').trim()));

/** `"500ms"`, `"1.5s"` or a plain number of milliseconds, to milliseconds. */
const durationMsString = z
  .string()
  .trim()
  .regex(
    /^\d+(?:\.\d+)?\s*(?:ms|s)?$/,
    'must be a duration such as "500ms", "1.5s" or a number of milliseconds',
  )
  .transform(v => {
    const match = /^(\d+(?:\.\d+)?)\s*(ms|s)?$/.exec(v)!;
    return roundNumber(Number(match[1]) * (match[2] === 's' ? 1000 : 1));
  })
  .pipe(
    z
      .number()
      .gt(0, 'must be greater than 0')
      .max(MAX_LATENCY_MS, 'must be at most 10 minutes (600000ms)'),
  );

const CREDENTIALS_MESSAGE =
  'must not carry credentials (user:password@ before the host)';

/** Why a URL was refused, naming what Go objects to when that is the reason. */
function urlMessage(value: string, expected: string): string {
  if (hasUrlCredentials(value)) return CREDENTIALS_MESSAGE;
  const goError = /^https?:\/\//i.test(value)
    ? goUrlParseError(value)
    : undefined;
  // Prometheus and Alertmanager parse URLs with Go, stricter than browsers.
  return goError ? `${expected}; it ${goError}` : expected;
}

const httpUrl = z
  .string()
  .trim()
  .max(2048, 'must be at most 2048 characters')
  .superRefine((value, ctx) => {
    if (!isHttpUrl(value)) {
      ctx.addIssue({
        code: 'custom',
        message: urlMessage(
          value,
          'must be an absolute http:// or https:// URL',
        ),
      });
    }
  });

/**
 * A link template: an http(s) URL once its placeholders are filled. Unknown
 * placeholders are rejected because nothing would ever fill them.
 */
function urlTemplate(placeholders: string[]) {
  return z
    .string()
    .trim()
    .max(2048, 'must be at most 2048 characters')
    .superRefine((value, ctx) => {
      const unknown = [...value.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)]
        .map(m => m[1])
        .filter(name => !placeholders.includes(name));
      if (unknown.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `uses unknown placeholder {${
            unknown[0]
          }}; allowed: ${placeholders.map(p => `{${p}}`).join(', ')}`,
        });
        return;
      }
      const filled = placeholders.reduce(
        (acc, p) => acc.split(`{${p}}`).join('x'),
        value,
      );
      if (!isHttpUrl(filled)) {
        ctx.addIssue({
          code: 'custom',
          message: urlMessage(
            filled,
            'must be an absolute http:// or https:// URL template',
          ),
        });
      }
    });
}

/** Label values Redline writes into PromQL and label sets unescaped-looking; kept to a safe alphabet. */
export const SAFE_LABEL_VALUE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

const serviceNameSchema = z
  .string()
  .trim()
  .regex(
    SAFE_LABEL_VALUE,
    'must start with a letter or digit and contain only letters, digits, ".", "_", ":" or "-" (at most 128 characters)',
  );

function matchersSchema(wrapInBraces: boolean) {
  return z
    .string()
    .trim()
    .transform((value, ctx) => {
      let inner = value;
      if (wrapInBraces) {
        if (!value.startsWith('{') || !value.endsWith('}')) {
          ctx.addIssue({
            code: 'custom',
            message:
              'must be a stream selector in braces such as {app="checkout"}',
          });
          return z.NEVER;
        }
        inner = value.slice(1, -1);
      }
      const parsed = parseLabelMatchers(inner);
      if (!parsed.ok) {
        ctx.addIssue({ code: 'custom', message: parsed.error });
        return z.NEVER;
      }
      return parsed.matchers;
    });
}

/** Parsed `redline.dev/slo-latency`. @public */
export interface LatencySloValue {
  objectivePercent: number;
  thresholdSeconds: number;
}

const objectivePercent = z
  .number()
  .gt(0, 'the objective must be greater than 0 %')
  .lt(
    100,
    'the objective must be below 100 % (a 100 % objective leaves no error budget)',
  );

// eslint-disable-next-line no-control-regex -- control characters are exactly what this excludes
const PLAIN_TEAM_NAME = /^[^\u0000-\u001f\u007f{}"]+$/;

/** A Prometheus or Alertmanager instance name, as app-config names them. */
const instanceName = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/,
    'must be an instance name from app-config (letters, digits, "_", "-")',
  );

/**
 * The compliance windows `redline.dev/slo-window` offers: the lengths Sloth
 * and Pyrra users already know (28 days holds four of each weekday, so
 * weekly traffic patterns weigh the same in every window) and calendar
 * periods, which match how error-budget policies are usually reviewed.
 */
const SLO_WINDOW_VALUES: ReadonlyMap<string, SloWindow> = new Map<
  string,
  SloWindow
>([
  ['7d', { type: 'rolling', days: 7 }],
  ['28d', { type: 'rolling', days: 28 }],
  ['30d', { type: 'rolling', days: 30 }],
  ['month', { type: 'calendar', period: 'month' }],
  ['week', { type: 'calendar', period: 'week' }],
]);

const sloWindowSchema = z
  .string()
  .trim()
  .toLowerCase()
  .transform((value, ctx) => {
    const window = SLO_WINDOW_VALUES.get(value);
    if (window) return window;
    ctx.addIssue({
      code: 'custom',
      message:
        'must be 7d, 28d or 30d (rolling) or month or week (calendar, UTC)',
    });
    return z.NEVER;
  }) as z.ZodType<SloWindow, string>;

/** @public */
export const ANNOTATION_DEFINITIONS = {
  serviceName: {
    key: ANNOTATIONS.serviceName,
    schema: serviceNameSchema,
    expected:
      'a label-safe service name: letters, digits, ".", "_", ":" or "-"',
    example: 'checkout',
    exampleFor: service => service,
    fallback: 'prometheus.io/service-name, then metadata.name',
  },
  prometheusServiceName: {
    key: FOREIGN_ANNOTATIONS.prometheusServiceName,
    schema: serviceNameSchema,
    expected:
      'a label-safe service name: letters, digits, ".", "_", ":" or "-"',
    example: 'checkout',
    exampleFor: service => service,
    fallback: 'metadata.name',
  },
  sloAvailability: {
    key: ANNOTATIONS.sloAvailability,
    schema: percentString.pipe(objectivePercent),
    expected:
      'a percentage strictly between 0 and 100 over 30 days, e.g. "99.9"',
    example: '99.9',
    fallback: 'no availability SLO',
  },
  sloLatency: {
    key: ANNOTATIONS.sloLatency,
    schema: z
      .string()
      .trim()
      .regex(
        /^\d+(?:\.\d+)?\s*%\s*<\s*\d+(?:\.\d+)?\s*(?:ms|s)$/,
        'must read "<percent>% < <duration>", e.g. "99% < 300ms" or "99.5% < 1s"',
      )
      .transform(v => {
        const m = /^(\d+(?:\.\d+)?)\s*%\s*<\s*(\d+(?:\.\d+)?)\s*(ms|s)$/.exec(
          v,
        )!;
        return {
          objectivePercent: Number(m[1]),
          thresholdSeconds: roundNumber(
            Number(m[2]) / (m[3] === 'ms' ? 1000 : 1),
          ),
        };
      })
      .pipe(
        z.object({
          objectivePercent,
          thresholdSeconds: z
            .number()
            .gt(0, 'the latency threshold must be greater than 0')
            .max(
              MAX_LATENCY_MS / 1000,
              'the latency threshold must be at most 10 minutes',
            ),
        }),
      ) as z.ZodType<LatencySloValue, string>,
    expected:
      '"<percent>% < <duration>" with 0 < percent < 100, e.g. "99% < 300ms"',
    example: '99% < 300ms',
    fallback: 'no latency SLO',
  },
  sloWindow: {
    key: ANNOTATIONS.sloWindow,
    schema: sloWindowSchema,
    expected:
      '7d, 28d or 30d (rolling) or month or week (calendar, UTC); applies to every SLO of the entity',
    example: '28d',
    fallback: 'a rolling 30-day window',
  },
  rateDropThreshold: {
    key: ANNOTATIONS.rateDropThreshold,
    schema: percentString.pipe(
      z.number().min(1, 'must be at least 1 %').max(99, 'must be at most 99 %'),
    ),
    expected: 'a percentage from 1 to 99, e.g. "50"',
    example: '50',
    fallback: 'the seed default of 50 %',
  },
  trafficDropMinRate: {
    key: ANNOTATIONS.trafficDropMinRate,
    schema: z
      .string()
      .trim()
      .regex(
        /^\d+(?:\.\d+)?$/,
        'must be a number of requests per second such as "0.1"',
      )
      .transform(Number)
      .pipe(z.number().gt(0, 'must be greater than 0')),
    expected: 'a number of requests per second greater than 0, e.g. "0.5"',
    example: '0.1',
    fallback: 'the default of 0.1 requests/s',
  },
  errorRateThreshold: {
    key: ANNOTATIONS.errorRateThreshold,
    schema: percentString.pipe(
      z
        .number()
        .gt(0, 'must be greater than 0 %')
        .lt(100, 'must be below 100 %'),
    ),
    expected: 'a percentage strictly between 0 and 100, e.g. "1" or "0.5"',
    example: '1',
    fallback: 'the seed default of 1 %',
  },
  latencyP99Threshold: {
    key: ANNOTATIONS.latencyP99Threshold,
    schema: durationMsString,
    expected: 'a duration such as "500ms", "1.5s" or a number of milliseconds',
    example: '500ms',
    fallback: 'the seed default of 500 ms',
  },
  metricsSelector: {
    key: ANNOTATIONS.metricsSelector,
    schema: matchersSchema(false) as z.ZodType<LabelMatcher[], string>,
    expected:
      'PromQL label matchers without braces, e.g. service="checkout",env="prod"',
    example: 'service="checkout",env="prod"',
    exampleFor: service => `service=${JSON.stringify(service)},env="prod"`,
    fallback: 'service="<service-name>"',
  },
  tier: {
    key: ANNOTATIONS.tier,
    schema: z
      .string()
      .trim()
      .regex(
        /^(?:tier[-_ ]?)?[123]$/i,
        'must be 1, 2 or 3 (or tier-1, tier-2, tier-3)',
      )
      .transform(v => `tier-${v.slice(-1)}`),
    expected: '1, 2 or 3 (tier-1 is the most critical)',
    example: 'tier-1',
    fallback: 'no tier',
  },
  runbookUrl: {
    key: ANNOTATIONS.runbookUrl,
    schema: httpUrl,
    expected: 'an absolute http(s) URL',
    example: 'https://runbooks.example.com/checkout',
    exampleFor: service => `https://runbooks.example.com/${service}`,
    fallback: "the runbook Redline generates on the entity's Observability tab",
  },
  dashboardUrl: {
    key: ANNOTATIONS.dashboardUrl,
    schema: httpUrl,
    expected: 'an absolute http(s) URL',
    example: 'https://grafana.example.com/d/checkout',
    exampleFor: service => `https://grafana.example.com/d/${service}`,
    fallback: 'no dashboard link',
  },
  logQueryUrl: {
    key: ANNOTATIONS.logQueryUrl,
    schema: urlTemplate(['service', 'correlation_id']),
    expected:
      'an http(s) URL template; placeholders {service} and {correlation_id}',
    example:
      'https://logs.example.com/search?q=service%3D{service}%20correlation_id%3D{correlation_id}',
    fallback: 'no log search link',
  },
  traceUrl: {
    key: ANNOTATIONS.traceUrl,
    schema: urlTemplate(['service', 'trace_id']),
    expected: 'an http(s) URL template; placeholders {service} and {trace_id}',
    example: 'https://traces.example.com/trace/{trace_id}',
    fallback: 'no trace link',
  },
  logSelector: {
    key: ANNOTATIONS.logSelector,
    schema: (
      matchersSchema(true) as z.ZodType<LabelMatcher[], string>
    ).transform(m => `{${formatLabelMatchers(m)}}`),
    expected: 'a LogQL stream selector in braces, e.g. {app="checkout"}',
    example: '{app="checkout"}',
    exampleFor: service => `{app=${JSON.stringify(service)}}`,
    fallback: 'no log-based fallback alert',
  },
  slackChannel: {
    key: ANNOTATIONS.slackChannel,
    schema: z
      .string()
      .trim()
      .regex(
        /^#?[a-z0-9][a-z0-9._-]{0,79}$/,
        'must be a Slack channel name: lowercase letters, digits, ".", "_" or "-", optionally starting with #',
      )
      .transform(v => v.replace(/^#/, '')),
    expected: 'a Slack channel name such as "#payments-alerts"',
    example: '#payments-alerts',
    fallback: 'no Slack receiver',
  },
  alertWebhook: {
    key: ANNOTATIONS.alertWebhook,
    schema: httpUrl,
    expected: 'an absolute http(s) URL',
    example: 'https://hooks.example.com/alerts/checkout',
    exampleFor: service => `https://hooks.example.com/alerts/${service}`,
    fallback: 'no webhook receiver',
  },
  prometheusInstance: {
    key: ANNOTATIONS.prometheusInstance,
    schema: instanceName,
    expected: 'the name of a Prometheus instance configured in app-config',
    example: 'default',
    fallback: 'the default Prometheus instance',
  },
  alertmanagerInstance: {
    key: ANNOTATIONS.alertmanagerInstance,
    schema: instanceName,
    expected: 'the name of an Alertmanager instance configured in app-config',
    example: 'default',
    fallback: 'the default Alertmanager instance',
  },
  ruleTarget: {
    key: ANNOTATIONS.ruleTarget,
    schema: z
      .string()
      .trim()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/,
        'must be a rule target name from app-config (letters, digits, "_", ".", "-")',
      ),
    expected: 'the name of a rule target configured in app-config',
    example: 'mimir-payments',
    fallback: "the Prometheus instance's rules directory",
  },
  pagerdutyIntegrationKey: {
    key: FOREIGN_ANNOTATIONS.pagerdutyIntegrationKey,
    secret: true,
    // Only presence is recorded: the key is a secret and must never be copied into artifacts or findings.
    schema: z
      .string()
      .trim()
      .min(1, 'is empty')
      .regex(
        /^[A-Za-z0-9]+$/,
        'must be a PagerDuty integration key (letters and digits only)',
      )
      .transform(() => true as const),
    expected: 'a PagerDuty Events API integration key (letters and digits)',
    example: '<integration-key>',
    fallback: 'no PagerDuty integration key',
  },
  pagerdutyServiceId: {
    key: FOREIGN_ANNOTATIONS.pagerdutyServiceId,
    schema: z
      .string()
      .trim()
      .regex(
        /^[A-Za-z0-9]{2,32}$/,
        'must be a PagerDuty service id such as "PABC123"',
      ),
    expected: 'a PagerDuty service id such as "PABC123"',
    example: 'PABC123',
    fallback: 'no PagerDuty service',
  },
  opsgenieTeam: {
    key: FOREIGN_ANNOTATIONS.opsgenieTeam,
    schema: z
      .string()
      .trim()
      .min(1, 'is empty')
      .max(100, 'must be at most 100 characters')
      .regex(
        PLAIN_TEAM_NAME,
        'must be a plain team name (no quotes, braces or control characters)',
      ),
    expected: 'an Opsgenie team name',
    example: 'payments',
    fallback: 'no Opsgenie team',
  },
} satisfies Record<string, AnnotationDefinition<unknown>>;

/** Every annotation Redline validates, keyed by its short name. @public */
export type AnnotationName = keyof typeof ANNOTATION_DEFINITIONS;

/** The example value of `definition` for `service` (see `exampleFor`). @public */
export function exampleValue(
  definition: Pick<AnnotationDefinition<unknown>, 'example' | 'exampleFor'>,
  service: string,
): string {
  return definition.exampleFor?.(service) ?? definition.example;
}
