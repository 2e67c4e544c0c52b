import { type CheckIdentity, judgeLiveFact } from './judgeLiveFact';

const identity: CheckIdentity = {
  id: 'metrics.exist',
  category: 'metrics',
  title: 'RED metrics exist',
};

type Series =
  | { status: 'ok'; present: string[] }
  | { status: 'unknown'; reason: string };

describe('judgeLiveFact', () => {
  it('is unknown with the given message when the fact was never gathered', () => {
    const judge = jest.fn();
    expect(
      judgeLiveFact<Series>(
        identity,
        undefined,
        'No Prometheus was asked.',
        judge,
      ),
    ).toStrictEqual({
      ...identity,
      status: 'unknown',
      message: 'No Prometheus was asked.',
    });
    expect(judge).not.toHaveBeenCalled();
  });

  it("is unknown with the system's reason when it did not answer", () => {
    const judge = jest.fn();
    const fact: Series = { status: 'unknown', reason: 'timed out after 5s' };
    expect(judgeLiveFact(identity, fact, 'not asked', judge)).toStrictEqual({
      ...identity,
      status: 'unknown',
      message: 'timed out after 5s',
    });
    expect(judge).not.toHaveBeenCalled();
  });

  it("hands an answer to judge and attaches the check's identity", () => {
    const fact: Series = { status: 'ok', present: ['a', 'b'] };
    expect(
      judgeLiveFact(identity, fact, 'not asked', answer => ({
        status: 'pass',
        message: `found ${answer.present.join(' and ')}`,
        fix: 'none needed',
      })),
    ).toStrictEqual({
      ...identity,
      status: 'pass',
      message: 'found a and b',
      fix: 'none needed',
    });
  });

  it('treats false and empty answers as answers, not as missing facts', () => {
    const judged: unknown[] = [];
    const judge = (answer: unknown) => {
      judged.push(answer);
      return { status: 'fail' as const, message: 'judged' };
    };
    judgeLiveFact(identity, false, 'not asked', judge);
    judgeLiveFact(identity, [], 'not asked', judge);
    expect(judged).toEqual([false, []]);
  });
});
