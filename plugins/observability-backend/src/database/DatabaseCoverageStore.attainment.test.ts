import { mockServices } from '@backstage/backend-test-utils';
import type {
  CoverageEntityRow,
  CoverageHistoryPoint,
} from '@redline/backstage-plugin-observability-common';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { createTestDatabases } from '../../../../test/support/postgres';
import { DatabaseCoverageStore } from './DatabaseCoverageStore';

jest.setTimeout(60_000);

const { databases } = createTestDatabases();

function row(
  name: string,
  team: string,
  overrides: Partial<CoverageEntityRow> = {},
): CoverageEntityRow {
  return {
    entityRef: `component:default/${name}`,
    name,
    kind: 'Component',
    owner: `group:default/${team}`,
    team,
    hasSlo: true,
    hasRunbook: false,
    rulesDeployed: 'yes',
    confidence: 0.5,
    failingChecks: 0,
    evaluatedAt: '2026-10-31T23:30:00.000Z',
    ...overrides,
  };
}

const counts = (
  slosMeasured: number,
  slosMeeting: number,
  extra: Partial<CoverageHistoryPoint> = {},
) => ({
  slos: slosMeasured,
  slosMeasured,
  slosMeeting,
  budgetsNearlyExhausted: 0,
  budgetsExhausted: slosMeasured - slosMeeting,
  ...extra,
});

function point(
  evaluatedAt: string,
  team: string | undefined,
  slo: Partial<CoverageHistoryPoint>,
): CoverageHistoryPoint {
  return {
    evaluatedAt,
    ...(team ? { team } : {}),
    services: 1,
    withSlo: 1,
    withRunbooks: 0,
    withRulesDeployed: 1,
    meanConfidence: 0.5,
    ...slo,
  };
}

describe.each(databases.eachSupportedId())(
  'DatabaseCoverageStore SLO attainment on %p',
  databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      return DatabaseCoverageStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
    }

    it('keeps rows’ attainment, sums it per team and overall, and tells unmeasured rows apart', async () => {
      const store = await createStore();
      const checkout = row('checkout', 'payments', {
        slos: 2,
        slosMeasured: 2,
        slosMeeting: 1,
        budgetsNearlyExhausted: 0,
        budgetsExhausted: 1,
        lowestBudgetPercent: -12.5,
      });
      const cart = row('cart', 'payments', {
        slos: 1,
        slosMeasured: 1,
        slosMeeting: 1,
        budgetsNearlyExhausted: 1,
        budgetsExhausted: 0,
        lowestBudgetPercent: 10,
      });
      const quiet = row('quiet', 'payments', {
        slos: 1,
        slosMeasured: 0,
        slosMeeting: 0,
        budgetsNearlyExhausted: 0,
        budgetsExhausted: 0,
        lowestBudgetPercent: null,
      });
      const legacy = row('legacy', 'search'); // a row nothing measured
      await store.beginRun({
        runId: 'r',
        evaluatedAt: checkout.evaluatedAt,
        startedAt: checkout.evaluatedAt,
      });
      await store.upsertRows('r', [checkout, cart, quiet, legacy]);
      await store.publishRun('r', {
        entities: 4,
        finishedAt: checkout.evaluatedAt,
        history: [],
      });

      const { items } = await store.listRows({ offset: 0, limit: 10 });
      expect(items).toEqual([cart, checkout, legacy, quiet]);

      const { summary, teams } = await store.summarize({});
      const payments = {
        slos: 4,
        slosMeasured: 3,
        slosMeeting: 2,
        sloMeetingShare: 2 / 3,
        budgetsNearlyExhausted: 1,
        budgetsExhausted: 1,
      };
      expect(teams).toEqual([
        expect.objectContaining({ team: 'payments', ...payments }),
        expect.not.objectContaining({ slos: expect.anything() }),
      ]);
      expect(summary).toEqual(expect.objectContaining(payments));
    });

    it('gives each UTC month’s last measured point per team and overall', async () => {
      const store = await createStore();
      await store.addHistory([
        // October: two runs; the last one counts.
        point('2026-10-05T10:00:00.000Z', undefined, counts(4, 4)),
        point('2026-10-05T10:00:00.000Z', 'payments', counts(2, 2)),
        point('2026-10-31T23:30:00.000Z', undefined, counts(4, 3)),
        point('2026-10-31T23:30:00.000Z', 'payments', counts(2, 1)),
        point('2026-10-31T23:30:00.000Z', 'search', counts(2, 2)),
        // November: a later unmeasured point (an old backend) is skipped.
        point('2026-11-01T00:00:00.000Z', 'payments', counts(2, 2)),
        point('2026-11-02T00:00:00.000Z', 'payments', {}),
        point('2026-11-03T00:00:00.000Z', 'payments', counts(0, 0)),
      ]);

      const months = await store.listMonthlyAttainment({});
      expect(
        months.map(m => [m.month, m.team ?? '(all)', m.sloMeetingShare]),
      ).toEqual([
        ['2026-10', '(all)', 0.75],
        ['2026-10', 'payments', 0.5],
        ['2026-10', 'search', 1],
        ['2026-11', 'payments', null],
      ]);
      expect(months[1]).toEqual({
        month: '2026-10',
        team: 'payments',
        evaluatedAt: '2026-10-31T23:30:00.000Z',
        slos: 2,
        slosMeasured: 2,
        slosMeeting: 1,
        sloMeetingShare: 0.5,
        budgetsNearlyExhausted: 0,
        budgetsExhausted: 1,
      });

      expect(
        (
          await store.listMonthlyAttainment({
            team: 'payments',
            to: '2026-11-01T23:59:59.999Z',
          })
        ).map(m => [m.month, m.sloMeetingShare]),
      ).toEqual([
        ['2026-10', 0.5],
        ['2026-11', 1],
      ]);
    });
  },
);
