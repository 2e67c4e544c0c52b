/**
 * Preloaded into the benchmark's backend (with --expose-gc): on SIGUSR2 a
 * full garbage collection runs, and one line says how long it took and what
 * the heap held before and after. The benchmark sends the signal before
 * each measured row, as JMH collects between iterations, so each row starts
 * from a collected heap and pays for the garbage it makes itself, not for
 * what the previous row (the other route's) left behind.
 */
const { appendFileSync } = require('node:fs');

const reportFile = process.env.REDLINE_BENCH_GC_REPORT;
if (typeof global.gc !== 'function' || !reportFile) {
  throw new Error(
    'collect-garbage-on-signal needs --expose-gc and REDLINE_BENCH_GC_REPORT',
  );
}

process.on('SIGUSR2', () => {
  const before = process.memoryUsage().heapUsed;
  const started = performance.now();
  global.gc();
  const ms = performance.now() - started;
  const after = process.memoryUsage().heapUsed;
  appendFileSync(reportFile, `${JSON.stringify({ ms, before, after })}\n`);
});
