/**
 * Hand-written answers of `GET /entity/:kind/:namespace/:name/slos`: the
 * route is served from live Prometheus data, so there is no pure describe
 * step to produce them from. One per state the tab must tell apart.
 */
import type {
  BudgetPoint,
  EntitySloResponse,
  RedNow,
  SloStatus,
} from '@redline/backstage-plugin-observability-common';

const WINDOW_START = '2026-10-26T00:00:00.000Z';
const WINDOW_END = '2026-11-25T00:00:00.000Z';
const DAY_MS = 86_400_000;

/** One point a day from the window start; `null` entries are gaps. */
export function dailyBurnDown(values: Array<number | null>): BudgetPoint[] {
  const start = Date.parse(WINDOW_START);
  return values.map((remainingPercent, i) => ({
    t: new Date(start + i * DAY_MS).toISOString(),
    remainingPercent,
  }));
}

const base = {
  objectivePercent: 99.9,
  window: { type: 'rolling', days: 30 },
  windowLabel: '30 days, rolling',
  windowStart: WINDOW_START,
  windowEnd: WINDOW_END,
  source: 'recording-rules',
  formula:
    'attainment = good requests / all requests over the window; budget remaining = 1 − (bad requests / (all requests × (1 − objective)))',
  queries: [
    'sum(increase(redline:slo_requests:rate5m{service="checkout"}[30d]))',
    'sum(increase(redline:slo_errors:rate5m{service="checkout"}[30d]))',
  ],
  firings: [],
} satisfies Partial<SloStatus>;

/** Meeting its objective, half the budget left; day 10–11 are a scrape gap. */
export const healthySlo: SloStatus = {
  ...base,
  slo: 'availability',
  attainmentPercent: 99.95,
  budget: {
    remainingPercent: 50,
    remainingRequests: 1296,
    remainingMinutes: 21.6,
    totalRequests: 2_592_000,
  },
  burnRate: { h1: 0.4, h6: 0.6 },
  exhaustedInSeconds: null,
  health: 'meeting',
  burnDown: dailyBurnDown([
    100,
    97,
    94,
    91,
    88,
    85,
    82,
    79,
    76,
    73,
    null,
    null,
    70,
    68,
    66,
    64,
    62,
    60,
    58,
    56,
    54,
    52,
    50,
  ]),
};

/** Budget left but burning faster than 1×, with two alerts in the window. */
export const burningSlo: SloStatus = {
  ...base,
  slo: 'latency',
  objectivePercent: 99,
  thresholdSeconds: 0.4,
  attainmentPercent: 99.62,
  budget: {
    remainingPercent: 38,
    remainingRequests: 9850,
    remainingMinutes: 164.2,
    totalRequests: 2_592_000,
  },
  burnRate: { h1: 1.23, h6: 1.1 },
  exhaustedInSeconds: 820_800,
  health: 'burning',
  burnDown: dailyBurnDown([100, 95, 90, 84, 77, 70, 62, 55, 49, 43, 38]),
  firings: [
    {
      alert: 'CheckoutLatencySloBurnSlow',
      severity: 'ticket',
      burnWindow: '6h',
      startsAt: '2026-10-30T06:00:00.000Z',
      endsAt: '2026-10-30T12:00:00.000Z',
    },
    {
      alert: 'CheckoutLatencySloBurnFast',
      severity: 'page',
      burnWindow: '1h',
      startsAt: '2026-11-04T18:00:00.000Z',
    },
  ],
};

/** Spent: remaining below zero. */
export const exhaustedSlo: SloStatus = {
  ...base,
  slo: 'availability',
  attainmentPercent: 99.85,
  budget: {
    remainingPercent: -50,
    remainingRequests: -1296,
    remainingMinutes: -21.6,
    totalRequests: 2_592_000,
  },
  burnRate: { h1: 2.5, h6: 3 },
  exhaustedInSeconds: null,
  health: 'exhausted',
  burnDown: dailyBurnDown([100, 80, 55, 30, 5, -20, -50]),
};

export const NO_TRAFFIC_REASON =
  'No requests in the window: http_request_duration_seconds_bucket has no series for service="checkout".';

/** Nothing known: every number null. */
export const noDataSlo: SloStatus = {
  ...base,
  slo: 'latency',
  objectivePercent: 99,
  thresholdSeconds: 0.3,
  source: 'raw-metrics',
  attainmentPercent: null,
  budget: {
    remainingPercent: null,
    remainingRequests: null,
    remainingMinutes: null,
    totalRequests: null,
  },
  burnRate: { h1: null, h6: null },
  exhaustedInSeconds: null,
  health: 'no-data',
  reason: NO_TRAFFIC_REASON,
  burnDown: dailyBurnDown([null, null, null]),
};

const redOk: RedNow[] = [
  { signal: 'rate', value: 12.5, unit: 'req/s', status: 'ok' },
  { signal: 'errors', value: 0.05, unit: '%', threshold: 1, status: 'ok' },
  { signal: 'duration', value: 0.245, unit: 's', threshold: 0.4, status: 'ok' },
];

const response = (
  overrides: Partial<EntitySloResponse>,
): EntitySloResponse => ({
  entityRef: 'component:default/checkout',
  evaluatedAt: WINDOW_END,
  prometheus: { status: 'ok' },
  slos: [],
  red: redOk,
  ...overrides,
});

export const checkoutSlos = response({ slos: [healthySlo, burningSlo] });

export const troubledSlos = response({
  slos: [exhaustedSlo, noDataSlo],
  red: [
    { signal: 'rate', value: 3.2, unit: 'req/s', status: 'ok' },
    {
      signal: 'errors',
      value: 2.3,
      unit: '%',
      threshold: 1,
      status: 'breached',
    },
    {
      signal: 'duration',
      value: null,
      unit: 's',
      threshold: 0.5,
      status: 'no-data',
    },
  ],
});

export const suggestedSlos = response({
  entityRef: 'component:default/legacy-billing',
  suggestions: [
    {
      slo: 'availability',
      objectivePercent: 99.9,
      achievedPercent: 99.97,
      basedOn: 'the last 28 days of http_requests_total',
      annotations: { 'redline.dev/slo-availability': '99.9' },
    },
  ],
});

export const PROMETHEUS_REFUSED = 'connect ECONNREFUSED 10.0.0.5:9090';

export const unreachableSlos = response({
  prometheus: { status: 'unreachable', error: PROMETHEUS_REFUSED },
  slos: [{ ...noDataSlo, reason: 'Prometheus could not be reached.' }],
  red: redOk.map(r => ({ ...r, value: null, status: 'no-data' as const })),
});

export const notConfiguredSlos = response({
  prometheus: { status: 'not-configured' },
  red: [],
});
