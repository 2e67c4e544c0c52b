import { readFileSync } from 'node:fs';

/**
 * Time this process' main thread has spent runnable but not running, in ms
 * (Linux counts it in /proc/self/schedstat); 0 elsewhere.
 */
function cpuWaitMs(): number {
  try {
    const fields = readFileSync('/proc/self/schedstat', 'utf8').split(' ');
    return Number(fields[1]) / 1e6;
  } catch {
    return 0;
  }
}

/**
 * Wall time since it started, and how much of it this process was ready to
 * run but waited for a CPU. Bounds such as "stopped within 100 ms of the
 * abort" hold for the code, not for a machine whose cores other test
 * workers and lanes keep busy: CI's two cores left a test waiting 0.8 s and
 * 1.7 s for a CPU in two runs. A bound is therefore the code's own allowance
 * plus that wait.
 */
export function stopwatch() {
  const started = Date.now();
  const waitedBefore = cpuWaitMs();
  return {
    elapsed(): { ms: number; waitedMs: number } {
      return {
        ms: Date.now() - started,
        waitedMs: Math.round(cpuWaitMs() - waitedBefore),
      };
    },
  };
}
