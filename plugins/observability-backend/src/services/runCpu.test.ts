import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { RunCpu } from './runCpu';

/** V8's own full collection, reachable without starting Node with --expose-gc. */
function fullCollection() {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** Node records a collection's entry on a later turn of the event loop. */
const nextTurns = async () => {
  await new Promise(resolve => setImmediate(resolve));
  await new Promise(resolve => setTimeout(resolve, 10));
};

describe('RunCpu', () => {
  it('counts the process CPU, the garbage-collection pauses and the full collections of a run', async () => {
    const startedMs = performance.now();
    const cpu = new RunCpu();
    let kept: unknown[] = [];
    // Enough short-lived garbage for several young-generation collections.
    for (let i = 0; i < 2_000_000; i++) {
      kept = [i, { i }];
    }
    fullCollection();
    await nextTurns();
    const seconds = cpu.seconds();
    const wallSeconds = (performance.now() - startedMs) / 1e3;
    cpu.stop();

    expect(kept).toHaveLength(2);
    expect(seconds.total).toBeGreaterThan(0);
    expect(seconds.gcPauses).toBeGreaterThan(0);
    // Pauses are wall time (a busy machine can stretch one beyond its CPU
    // time), all of it inside the run.
    expect(seconds.gcPauses).toBeLessThanOrEqual(wallSeconds);
    expect(seconds.fullGcs).toBeGreaterThanOrEqual(1);
  });

  it('stops counting collections once stopped', async () => {
    const cpu = new RunCpu();
    cpu.stop();
    const before = cpu.seconds();
    fullCollection();
    await nextTurns();
    expect(cpu.seconds().fullGcs).toBe(before.fullGcs);
  });
});
