import type {
  RedLiveValue,
  RedTarget,
} from '@redline/backstage-plugin-observability-common';

/**
 * How a live value stands against its target's threshold. `near` starts at
 * 80 % of the threshold: close enough that an SRE should look before the
 * alert's `for` runs out.
 */
export type Judgement = 'breach' | 'near' | 'ok' | 'unjudged' | 'no-data';

const NEAR_SHARE = 0.8;

/**
 * Judges a live value by its target's fixed threshold. The request-rate
 * target is relative ("drop > 50 % vs usual"), so one value cannot be
 * judged; neither can a value in another unit than its threshold.
 */
export function judgeLiveValue(
  target: Pick<RedTarget, 'signal' | 'threshold' | 'unit'>,
  live: Pick<RedLiveValue, 'value' | 'unit'> | undefined,
): Judgement {
  if (!live || live.value === null || !Number.isFinite(live.value))
    return 'no-data';
  if (target.signal === 'rate') return 'unjudged';
  if (live.unit !== undefined && live.unit !== target.unit) return 'unjudged';
  if (live.value > target.threshold) return 'breach';
  if (live.value >= target.threshold * NEAR_SHARE) return 'near';
  return 'ok';
}

/** The words a screen reader says for a judgement, next to the value itself. */
export function judgementText(
  judgement: Judgement,
  thresholdDisplay: string,
): string {
  switch (judgement) {
    case 'breach':
      return `breaching its threshold (${thresholdDisplay})`;
    case 'near':
      return `close to its threshold (${thresholdDisplay})`;
    case 'ok':
      return `within its threshold (${thresholdDisplay})`;
    case 'unjudged':
      return `judged by its alert against the usual value (${thresholdDisplay})`;
    default:
      return 'no data';
  }
}
