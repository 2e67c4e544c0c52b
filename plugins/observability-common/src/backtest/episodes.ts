/**
 * Range answers turned into alert episodes the way Prometheus' rule
 * evaluation produces them: an expression that returns a sample at an
 * evaluation makes the alert pending; it fires at the first evaluation at
 * least `for` after it became pending; one evaluation without a sample
 * resolves it.
 */
import type { BacktestEpisode, BacktestTally } from './types';

/** Evaluation grid of a backtest: `start + k·step` up to `end`, Unix seconds. @public */
export interface EvaluationGrid {
  start: number;
  end: number;
  stepSeconds: number;
}

/** Index of `t` on the grid, or undefined when `t` is off it (Prometheus answers on the grid). */
function gridIndex(t: number, grid: EvaluationGrid): number | undefined {
  const k = (t - grid.start) / grid.stepSeconds;
  const rounded = Math.round(k);
  return Math.abs(k - rounded) < 1e-6 ? rounded : undefined;
}

/**
 * The episodes of one series: `times` are the evaluations at which the
 * expression returned a sample (any order, duplicates allowed).
 * @public
 */
export function episodesOfSeries(
  times: readonly number[],
  grid: EvaluationGrid,
  forSeconds: number,
  labels: Record<string, string> = {},
): BacktestEpisode[] {
  const steps = [
    ...new Set(
      times
        .map(t => gridIndex(t, grid))
        .filter((k): k is number => k !== undefined),
    ),
  ].sort((a, b) => a - b);
  const last = Math.round((grid.end - grid.start) / grid.stepSeconds);
  // Pending from `activeAt`, the alert fires at the first evaluation whose
  // distance from it is at least `for`.
  const holdSteps = Math.ceil(forSeconds / grid.stepSeconds - 1e-9);
  const episodes: BacktestEpisode[] = [];
  let runStart = 0;
  for (let i = 0; i < steps.length; i++) {
    if (i === 0 || steps[i] !== steps[i - 1] + 1) runStart = steps[i];
    const runEnds = i === steps.length - 1 || steps[i + 1] !== steps[i] + 1;
    if (!runEnds) continue;
    const firstFiring = runStart + holdSteps;
    if (firstFiring > steps[i]) continue;
    const start = grid.start + firstFiring * grid.stepSeconds;
    const end = grid.start + (steps[i] + 1) * grid.stepSeconds;
    episodes.push({
      start,
      end,
      minutes: (end - start) / 60,
      ongoing: steps[i] === last,
      labels,
    });
  }
  return episodes;
}

/** Counts of a list of episodes, oldest first. @public */
export function tallyEpisodes(episodes: BacktestEpisode[]): BacktestTally {
  const sorted = [...episodes].sort((a, b) => a.start - b.start);
  return {
    fired: sorted.length,
    firingMinutes: sorted.reduce((sum, e) => sum + e.minutes, 0),
    longestMinutes: sorted.reduce((max, e) => Math.max(max, e.minutes), 0),
    episodes: sorted,
  };
}

/**
 * Firing minutes per bucket of the window, for a sparkline of when an
 * alert fired: episodes crossing a bucket boundary count in both.
 * @public
 */
export function firingSparkline(
  episodes: readonly BacktestEpisode[],
  window: { start: number; end: number },
  buckets: number,
): Array<[number, number]> {
  const width = (window.end - window.start) / buckets;
  const out: Array<[number, number]> = [];
  for (let b = 0; b < buckets; b++) {
    const from = window.start + b * width;
    const to = from + width;
    const seconds = episodes.reduce(
      (sum, e) =>
        sum + Math.max(0, Math.min(e.end, to) - Math.max(e.start, from)),
      0,
    );
    out.push([Math.round(from), seconds / 60]);
  }
  return out;
}
