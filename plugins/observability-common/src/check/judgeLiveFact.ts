import type { CheckResult } from './types';

/** What names a check in each of its results. */
export type CheckIdentity = Pick<CheckResult, 'id' | 'category' | 'title'>;

/** What a check says about the entity, before its identity is attached. */
export type Verdict = Omit<CheckResult, keyof CheckIdentity>;

/** A live system that was asked and could not answer; `reason` says why. */
type Unanswered = { status: 'unknown'; reason: string };

function isUnanswered(fact: unknown): fact is Unanswered {
  return (
    typeof fact === 'object' &&
    fact !== null &&
    (fact as { status?: unknown }).status === 'unknown'
  );
}

/**
 * The preamble every live check shares, so that none of them turns a missing
 * fact into a failure the team cannot act on: a fact that was never gathered
 * is `unknown` with `notGathered`, one whose system did not answer is
 * `unknown` with that system's reason, and only an answer reaches `judge`.
 */
export function judgeLiveFact<Fact>(
  identity: CheckIdentity,
  fact: Fact | undefined,
  notGathered: string,
  judge: (answer: Exclude<Fact, Unanswered>) => Verdict,
): CheckResult {
  if (fact === undefined || fact === null)
    return { ...identity, status: 'unknown', message: notGathered };
  if (isUnanswered(fact))
    return { ...identity, status: 'unknown', message: fact.reason };
  return { ...identity, ...judge(fact as Exclude<Fact, Unanswered>) };
}
