import fc from 'fast-check';
import { episodesOfSeries, firingSparkline, tallyEpisodes } from './episodes';

const STEP = 60;
const grid = (points: number) => ({
  start: 1_000_000,
  end: 1_000_000 + (points - 1) * STEP,
  stepSeconds: STEP,
});

/**
 * Prometheus' alerting state machine, one evaluation at a time: the oracle
 * the run-based implementation must agree with.
 */
function simulate(
  active: boolean[],
  forSeconds: number,
  start: number,
): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = [];
  let activeAt: number | undefined;
  let firingSince: number | undefined;
  active.forEach((on, k) => {
    const t = start + k * STEP;
    if (!on) {
      if (firingSince !== undefined) out.push({ start: firingSince, end: t });
      activeAt = undefined;
      firingSince = undefined;
      return;
    }
    activeAt ??= t;
    if (firingSince === undefined && t - activeAt >= forSeconds)
      firingSince = t;
  });
  if (firingSince !== undefined)
    out.push({ start: firingSince, end: start + active.length * STEP });
  return out;
}

const history = fc.array(fc.boolean(), { minLength: 1, maxLength: 300 });
const forSeconds = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 1, max: 40 }).map(m => m * 60),
  fc.integer({ min: 1, max: 2400 }),
);
const timesOf = (active: boolean[], start: number) =>
  active.flatMap((on, k) => (on ? [start + k * STEP] : []));

describe('episodesOfSeries', () => {
  it('agrees with an evaluation-by-evaluation simulation of Prometheus', () => {
    fc.assert(
      fc.property(history, forSeconds, (active, hold) => {
        const g = grid(active.length);
        const episodes = episodesOfSeries(timesOf(active, g.start), g, hold);
        expect(episodes.map(({ start, end }) => ({ start, end }))).toEqual(
          simulate(active, hold, g.start),
        );
      }),
    );
  });

  it('never fires longer than the expression held, and a longer `for` never fires more', () => {
    fc.assert(
      fc.property(history, forSeconds, forSeconds, (active, a, b) => {
        const g = grid(active.length);
        const times = timesOf(active, g.start);
        const [short, long] = [Math.min(a, b), Math.max(a, b)].map(hold =>
          tallyEpisodes(episodesOfSeries(times, g, hold)),
        );
        expect(short.firingMinutes).toBeLessThanOrEqual(
          (times.length * STEP) / 60,
        );
        expect(long.fired).toBeLessThanOrEqual(short.fired);
        expect(long.firingMinutes).toBeLessThanOrEqual(short.firingMinutes);
      }),
    );
  });

  it('with no `for`, fires once per unbroken run of samples, for exactly its length', () => {
    fc.assert(
      fc.property(history, active => {
        const g = grid(active.length);
        const tally = tallyEpisodes(
          episodesOfSeries(timesOf(active, g.start), g, 0),
        );
        const runs = active.filter(
          (on, k) => on && (k === 0 || !active[k - 1]),
        ).length;
        expect(tally.fired).toBe(runs);
        expect(tally.firingMinutes).toBe(active.filter(Boolean).length);
      }),
    );
  });

  it('ignores answer order, duplicates and points off the grid', () => {
    fc.assert(
      fc.property(history, forSeconds, (active, hold) => {
        const g = grid(active.length);
        const times = timesOf(active, g.start);
        const noisy = [...times, ...times, g.start + 17].reverse();
        expect(episodesOfSeries(noisy, g, hold)).toEqual(
          episodesOfSeries(times, g, hold),
        );
      }),
    );
  });

  it('marks an episode still firing at the window end as ongoing', () => {
    const g = grid(10);
    const [episode] = episodesOfSeries(
      timesOf(Array(10).fill(true), g.start),
      g,
      120,
    );
    expect(episode).toMatchObject({
      start: g.start + 120,
      end: g.end + STEP,
      minutes: 9 - 2 + 1,
      ongoing: true,
    });
  });
});

describe('firingSparkline', () => {
  it('spreads exactly the firing minutes over the buckets', () => {
    fc.assert(
      fc.property(
        history,
        forSeconds,
        fc.integer({ min: 1, max: 60 }),
        (active, hold, buckets) => {
          const g = grid(active.length);
          const episodes = episodesOfSeries(timesOf(active, g.start), g, hold);
          const window = { start: g.start, end: g.end + STEP };
          const line = firingSparkline(episodes, window, buckets);
          expect(line).toHaveLength(buckets);
          const total = line.reduce((sum, [, minutes]) => sum + minutes, 0);
          expect(total).toBeCloseTo(tallyEpisodes(episodes).firingMinutes, 6);
        },
      ),
    );
  });
});
