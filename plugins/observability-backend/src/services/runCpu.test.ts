import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { RunCpu } from './runCpu';

/** V8's own full collection, reachable without starting Node with --expose-gc. */
function fullCollection() {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

const nextTurn = () => new Promise(resolve => setImmediate(resolve));

describe('RunCpu', () => {
  it('counts the process CPU, the garbage-collection pauses and the full collections of a run', async () => {
    const cpu = new RunCpu();
    let kept: unknown[] = [];
    // Enough short-lived garbage for several young-generation collections.
    for (let i = 0; i < 2_000_000; i++) {
      kept = [i, { i }];
    }
    fullCollection();
    await nextTurn();
    const seconds = cpu.seconds();
    cpu.stop();

    expect(kept).toHaveLength(2);
    expect(seconds.total).toBeGreaterThan(0);
    expect(seconds.gcPauses).toBeGreaterThan(0);
    expect(seconds.gcPauses).toBeLessThanOrEqual(seconds.total);
    expect(seconds.fullGcs).toBeGreaterThanOrEqual(1);
  });

  it('stops counting collections once stopped', async () => {
    const cpu = new RunCpu();
    cpu.stop();
    const before = cpu.seconds();
    fullCollection();
    await nextTurn();
    expect(cpu.seconds().fullGcs).toBe(before.fullGcs);
  });
});
