import { budgetSegments, firingLabel, segmentsPath } from './burnDown';
import { dailyBurnDown } from '../../__testUtils__/sloFixtures';

describe('budgetSegments', () => {
  it('breaks the line at null points instead of joining or dropping to zero', () => {
    const { segments, gaps } = budgetSegments(
      dailyBurnDown([null, 100, 90, null, null, 80, 70, null]),
    );
    expect(segments.map(s => s.map(p => p.v))).toEqual([
      [100, 90],
      [80, 70],
    ]);
    // The leading nulls are "not started yet"; the middle and trailing runs are gaps.
    expect(gaps).toBe(2);
  });

  it('has nothing to draw when every point is null', () => {
    expect(budgetSegments(dailyBurnDown([null, null]))).toEqual({
      segments: [],
      gaps: 0,
    });
  });

  it('starts each segment with a move, so one path shows the break', () => {
    const { segments } = budgetSegments(dailyBurnDown([100, null, 50, 40]));
    const path = segmentsPath(
      segments,
      t => (t - segments[0][0].t) / 86_400_000,
      v => v,
    );
    expect(path).toBe('M0.0,100.0 M2.0,50.0 L3.0,40.0');
  });
});

describe('firingLabel', () => {
  it('names the alert, its severity and when it fired', () => {
    expect(
      firingLabel({
        alert: 'CheckoutSloBurnFast',
        severity: 'page',
        burnWindow: '1h',
        startsAt: '2026-11-04T18:00:00Z',
      }),
    ).toBe(
      'CheckoutSloBurnFast (page, 1h burn window) fired 2026-11-04 18:00 UTC, still firing',
    );
    expect(
      firingLabel({
        alert: 'X',
        startsAt: '2026-10-30T06:00:00Z',
        endsAt: '2026-10-30T12:00:00Z',
      }),
    ).toBe('X fired 2026-10-30 06:00 UTC, until 2026-10-30 12:00 UTC');
  });
});
