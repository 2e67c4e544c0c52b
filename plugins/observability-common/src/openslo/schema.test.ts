/**
 * One case per field of the OpenSLO v1 specification (README.md,
 * "Specification"): a valid document of each kind is changed in one field,
 * and the schema must accept or refuse it, naming the field.
 */
import { openSloDocumentSchema } from './schema';

type Doc = Record<string, any>;

const metricSource = (query = 'sum(up)') => ({
  metricSource: { type: 'Prometheus', spec: { query } },
});

const BASE: Record<string, Doc> = {
  DataSource: {
    kind: 'DataSource',
    metadata: { name: 'prom' },
    spec: { type: 'Prometheus', connectionDetails: { url: 'x' } },
  },
  SLI: {
    kind: 'SLI',
    metadata: { name: 'sli' },
    spec: {
      ratioMetric: {
        counter: true,
        good: metricSource(),
        total: metricSource(),
      },
    },
  },
  SLO: {
    kind: 'SLO',
    metadata: { name: 'slo' },
    spec: {
      service: 'checkout',
      indicatorRef: 'sli',
      timeWindow: [{ duration: '30d', isRolling: true }],
      budgetingMethod: 'Occurrences',
      objectives: [{ target: 0.999 }],
    },
  },
  AlertPolicy: {
    kind: 'AlertPolicy',
    metadata: { name: 'policy' },
    spec: {
      alertWhenBreaching: true,
      conditions: [{ conditionRef: 'fast' }],
      notificationTargets: [{ targetRef: 'pager' }],
    },
  },
  AlertCondition: {
    kind: 'AlertCondition',
    metadata: { name: 'fast' },
    spec: {
      severity: 'page',
      condition: {
        kind: 'burnrate',
        op: 'gt',
        threshold: 14.4,
        lookbackWindow: '1h',
        alertAfter: '0m',
      },
    },
  },
  AlertNotificationTarget: {
    kind: 'AlertNotificationTarget',
    metadata: { name: 'pager' },
    spec: { target: 'slack' },
  },
  Service: { kind: 'Service', metadata: { name: 'checkout' }, spec: {} },
};

/** A copy of the kind's base document with `path` set to `value` (undefined deletes it). */
function withField(kind: string, path: string, value: unknown): Doc {
  const doc: Doc = { apiVersion: 'openslo/v1', ...structuredClone(BASE[kind]) };
  const keys = path.split('.');
  let node: Doc = doc;
  for (const key of keys.slice(0, -1)) node = node[key];
  const last = keys[keys.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
  return doc;
}

/** The first issue's path, or 'valid'. */
function verdict(doc: Doc): string {
  const result = openSloDocumentSchema.safeParse(doc);
  return result.success ? 'valid' : result.error.issues[0].path.join('.');
}

describe('OpenSLO v1 schema', () => {
  it.each(Object.keys(BASE))('accepts the base %s document', kind => {
    expect(verdict(withField(kind, 'kind', kind))).toBe('valid');
  });

  it.each([
    // General schema
    ['SLO', 'apiVersion', 'openslo/v2alpha', 'apiVersion'],
    ['SLO', 'kind', 'Budget', 'kind'],
    ['SLO', 'metadata.name', undefined, 'metadata.name'],
    ['SLO', 'metadata.name', 'has space', 'metadata.name'],
    ['SLO', 'metadata.name', 'AlertPolicy', 'valid'],
    ['SLO', 'metadata.displayName', 'Any text at all', 'valid'],
    ['SLO', 'metadata.labels', { team: ['a', 'b'], tier: '1' }, 'valid'],
    ['SLO', 'metadata.labels', { '-bad': 'x' }, 'metadata.labels.-bad'],
    ['SLO', 'metadata.labels', { team: 3 }, 'metadata.labels.team'],
    ['SLO', 'metadata.annotations', { 'openslo.com/key1': 'v' }, 'valid'],
    [
      'SLO',
      'metadata.annotations',
      { 'Bad_Prefix/key': 'v' },
      'metadata.annotations.Bad_Prefix/key',
    ],
    ['SLO', 'metadata.annotations', { key: 1 }, 'metadata.annotations.key'],
    ['SLO', 'metadata.owner', 'x', 'metadata'],
    ['SLO', 'spec.unknownField', 1, 'spec'],
    // DataSource
    ['DataSource', 'spec.type', undefined, 'spec.type'],
    [
      'DataSource',
      'spec.connectionDetails',
      undefined,
      'spec.connectionDetails',
    ],
    ['DataSource', 'spec.description', 'x'.repeat(1051), 'spec.description'],
    // SLO
    ['SLO', 'spec.description', 'x'.repeat(1050), 'valid'],
    ['SLO', 'spec.description', 'x'.repeat(1051), 'spec.description'],
    ['SLO', 'spec.service', undefined, 'spec.service'],
    ['SLO', 'spec.indicatorRef', undefined, 'spec.indicator'],
    [
      'SLO',
      'spec.indicator',
      { metadata: { name: 'i' }, spec: BASE.SLI.spec },
      'spec.indicatorRef',
    ],
    ['SLO', 'spec.timeWindow', undefined, 'valid'],
    ['SLO', 'spec.timeWindow', [], 'spec.timeWindow'],
    [
      'SLO',
      'spec.timeWindow',
      [{ duration: '30 days', isRolling: true }],
      'spec.timeWindow.0.duration',
    ],
    [
      'SLO',
      'spec.timeWindow',
      [{ duration: '0d', isRolling: true }],
      'spec.timeWindow.0.duration',
    ],
    [
      'SLO',
      'spec.timeWindow',
      [{ duration: '1M' }],
      'spec.timeWindow.0.isRolling',
    ],
    [
      'SLO',
      'spec.timeWindow',
      [
        {
          duration: '1M',
          calendar: {
            startTime: '2020-01-21 12:30:00',
            timeZone: 'America/New_York',
          },
        },
      ],
      'valid',
    ],
    [
      'SLO',
      'spec.timeWindow',
      [
        {
          duration: '1M',
          isRolling: true,
          calendar: { startTime: '2020-01-21 12:30:00', timeZone: 'UTC' },
        },
      ],
      'spec.timeWindow.0.calendar',
    ],
    [
      'SLO',
      'spec.timeWindow',
      [
        {
          duration: '1M',
          calendar: { startTime: '2020-01-21T12:30:00Z', timeZone: 'UTC' },
        },
      ],
      'spec.timeWindow.0.calendar.startTime',
    ],
    [
      'SLO',
      'spec.timeWindow',
      [{ duration: '1M', calendar: { startTime: '2020-01-21 12:30:00' } }],
      'spec.timeWindow.0.calendar.timeZone',
    ],
    ['SLO', 'spec.budgetingMethod', 'Sometimes', 'spec.budgetingMethod'],
    ['SLO', 'spec.budgetingMethod', undefined, 'valid'],
    ['SLO', 'spec.objectives', [], 'spec.objectives'],
    ['SLO', 'spec.alertPolicies', null, 'valid'],
    ['SLO', 'spec.alertPolicies', [{ alertPolicyRef: 'policy' }], 'valid'],
    [
      'SLO',
      'spec.alertPolicies',
      [
        {
          kind: 'AlertPolicy',
          metadata: { name: 'p' },
          spec: BASE.AlertPolicy.spec,
        },
      ],
      'valid',
    ],
    ['SLO', 'spec.alertPolicies', [{ policy: 'p' }], 'spec.alertPolicies.0'],
    // Objectives
    ['SLO', 'spec.objectives', [{ targetPercent: 99.95 }], 'valid'],
    ['SLO', 'spec.objectives', [{}], 'spec.objectives.0.target'],
    [
      'SLO',
      'spec.objectives',
      [{ target: 0.9, targetPercent: 90 }],
      'spec.objectives.0.target',
    ],
    ['SLO', 'spec.objectives', [{ target: 1 }], 'spec.objectives.0.target'],
    [
      'SLO',
      'spec.objectives',
      [{ targetPercent: 100 }],
      'spec.objectives.0.targetPercent',
    ],
    [
      'SLO',
      'spec.objectives',
      [{ target: 0.9, op: 'eq' }],
      'spec.objectives.0.op',
    ],
    [
      'SLO',
      'spec.objectives',
      [{ target: 0.9, op: 'lte', value: 'x' }],
      'spec.objectives.0.value',
    ],
    [
      'SLO',
      'spec.objectives',
      [{ target: 0.9, timeSliceTarget: 0 }],
      'spec.objectives.0.timeSliceTarget',
    ],
    [
      'SLO',
      'spec.objectives',
      [{ target: 0.9, timeSliceWindow: '1x' }],
      'spec.objectives.0.timeSliceWindow',
    ],
    ['SLO', 'spec.objectives', [{ target: 0.9, timeSliceWindow: 5 }], 'valid'],
    [
      'SLO',
      'spec.objectives',
      [{ target: 0.9, compositeWeight: 0 }],
      'spec.objectives.0.compositeWeight',
    ],
    [
      'SLO',
      'spec.objectives',
      [{ target: 0.9, indicatorRef: '' }],
      'spec.objectives.0.indicatorRef',
    ],
    [
      'SLO',
      'spec.objectives',
      [{ target: 0.9, displayName: 'd', extra: 1 }],
      'spec.objectives.0',
    ],
    // SLI
    ['SLI', 'spec.ratioMetric', undefined, 'spec.ratioMetric'],
    ['SLI', 'spec.thresholdMetric', metricSource(), 'spec.ratioMetric'],
    ['SLI', 'spec.ratioMetric.counter', 'yes', 'spec.ratioMetric.counter'],
    ['SLI', 'spec.ratioMetric.bad', metricSource(), 'spec.ratioMetric.bad'],
    ['SLI', 'spec.ratioMetric.total', undefined, 'spec.ratioMetric.total'],
    [
      'SLI',
      'spec.ratioMetric',
      { bad: metricSource(), total: metricSource() },
      'valid',
    ],
    [
      'SLI',
      'spec.ratioMetric',
      { total: metricSource() },
      'spec.ratioMetric.good',
    ],
    [
      'SLI',
      'spec.ratioMetric',
      { raw: metricSource(), rawType: 'success' },
      'valid',
    ],
    [
      'SLI',
      'spec.ratioMetric',
      { raw: metricSource() },
      'spec.ratioMetric.rawType',
    ],
    [
      'SLI',
      'spec.ratioMetric',
      { raw: metricSource(), rawType: 'partial' },
      'spec.ratioMetric.rawType',
    ],
    [
      'SLI',
      'spec.ratioMetric',
      { raw: metricSource(), rawType: 'success', total: metricSource() },
      'spec.ratioMetric.raw',
    ],
    [
      'SLI',
      'spec.ratioMetric.good',
      { metricSource: { spec: {} } },
      'spec.ratioMetric.good.metricSource.type',
    ],
    [
      'SLI',
      'spec.ratioMetric.good',
      { metricSource: { metricSourceRef: 'prom', spec: {} } },
      'valid',
    ],
    [
      'SLI',
      'spec.ratioMetric.good',
      { metricSource: { type: 'Prometheus' } },
      'spec.ratioMetric.good.metricSource.spec',
    ],
    ['SLI', 'spec.description', 'x'.repeat(1051), 'spec.description'],
    // AlertPolicy
    ['AlertPolicy', 'spec.alertWhenNoData', 'true', 'spec.alertWhenNoData'],
    ['AlertPolicy', 'spec.alertWhenResolved', 1, 'spec.alertWhenResolved'],
    ['AlertPolicy', 'spec.alertWhenBreaching', 'no', 'spec.alertWhenBreaching'],
    ['AlertPolicy', 'spec.conditions', [], 'spec.conditions'],
    [
      'AlertPolicy',
      'spec.conditions',
      [{ conditionRef: 'a' }, { conditionRef: 'b' }],
      'spec.conditions',
    ],
    [
      'AlertPolicy',
      'spec.conditions',
      [
        {
          kind: 'AlertCondition',
          metadata: { name: 'c' },
          spec: BASE.AlertCondition.spec,
        },
      ],
      'valid',
    ],
    [
      'AlertPolicy',
      'spec.notificationTargets',
      undefined,
      'spec.notificationTargets',
    ],
    [
      'AlertPolicy',
      'spec.notificationTargets',
      [
        {
          kind: 'AlertNotificationTarget',
          metadata: { name: 'n' },
          spec: { target: 'email' },
        },
      ],
      'valid',
    ],
    ['AlertPolicy', 'spec.description', 'x'.repeat(1051), 'spec.description'],
    // AlertCondition
    ['AlertCondition', 'spec.severity', undefined, 'spec.severity'],
    ['AlertCondition', 'spec.condition', undefined, 'spec.condition'],
    [
      'AlertCondition',
      'spec.condition.kind',
      'threshold',
      'spec.condition.kind',
    ],
    ['AlertCondition', 'spec.condition.kind', undefined, 'valid'],
    ['AlertCondition', 'spec.condition.op', 'eq', 'spec.condition.op'],
    [
      'AlertCondition',
      'spec.condition.threshold',
      '2',
      'spec.condition.threshold',
    ],
    [
      'AlertCondition',
      'spec.condition.lookbackWindow',
      '1 hour',
      'spec.condition.lookbackWindow',
    ],
    ['AlertCondition', 'spec.condition.alertAfter', undefined, 'valid'],
    [
      'AlertCondition',
      'spec.condition.alertAfter',
      '5s',
      'spec.condition.alertAfter',
    ],
    [
      'AlertCondition',
      'spec.description',
      'x'.repeat(1051),
      'spec.description',
    ],
    // AlertNotificationTarget
    ['AlertNotificationTarget', 'spec.target', undefined, 'spec.target'],
    ['AlertNotificationTarget', 'spec.description', 'Sends P1 alerts', 'valid'],
    // Service
    ['Service', 'spec.description', 'x'.repeat(1051), 'spec.description'],
    ['Service', 'spec.owner', 'x', 'spec'],
  ])('%s: %s = %j → %s', (kind, path, value, expected) => {
    expect(verdict(withField(kind, path, value))).toBe(expected);
  });

  it.each(['12h', '4w', '1M', '1Q', '365d', '1Y', '5m'])(
    'accepts the duration shorthand %s',
    duration => {
      expect(
        verdict(
          withField(
            'AlertCondition',
            'spec.condition.lookbackWindow',
            duration,
          ),
        ),
      ).toBe('valid');
    },
  );

  it('refuses a thresholdMetric SLO with two objectives', () => {
    const doc = withField('SLO', 'spec.indicatorRef', undefined);
    doc.spec.indicator = {
      metadata: { name: 'i' },
      spec: { thresholdMetric: metricSource() },
    };
    doc.spec.objectives = [
      { target: 0.9, op: 'lt', value: 1 },
      { target: 0.8, op: 'lt', value: 2 },
    ];
    expect(verdict(doc)).toBe('spec.objectives');
  });

  it('asks for timeSliceTarget and timeSliceWindow with Timeslices', () => {
    expect(
      verdict(withField('SLO', 'spec.budgetingMethod', 'Timeslices')),
    ).toBe('spec.objectives.0.timeSliceTarget');
    expect(
      verdict(withField('SLO', 'spec.budgetingMethod', 'RatioTimeslices')),
    ).toBe('spec.objectives.0.timeSliceWindow');
  });

  it('accepts a composite SLO: an indicator per objective and none on the SLO', () => {
    const doc = withField('SLO', 'spec.indicatorRef', undefined);
    doc.spec.objectives = [
      { target: 0.9, indicatorRef: 'a', compositeWeight: 2 },
      { target: 0.9, indicatorRef: 'b' },
    ];
    expect(verdict(doc)).toBe('valid');
  });
});
