import { constants, PerformanceObserver } from 'node:perf_hooks';
import type { PerformanceEntry } from 'node:perf_hooks';

/** A run's CPU figures (see {@link RunCpu}). */
export interface RunCpuSeconds {
  total: number;
  waitingForCatalog: number;
  /**
   * Main-thread garbage-collection pauses (wall time, which a busy machine
   * stretches beyond their CPU time) while the run went on, and how
   * many were full (mark-compact) collections: what the run allocated and
   * what the rest of the backend left on the heap before it (a full
   * collection of a heap other requests filled can land in the run), so
   * two runs of the same work can differ by this much.
   */
  gcPauses: number;
  fullGcs: number;
}

/**
 * The process's CPU time over a run, and the part spent while the catalog
 * answered its pages: with the catalog in the same backend, that part is
 * the catalog's work, not Redline's. Anything else the process did
 * meanwhile (other requests) is counted too, so Redline's share
 * (total − waitingForCatalog) errs on the high side. `stop()` ends the
 * garbage-collection count; the figures stay readable after it.
 */
export class RunCpu {
  readonly #start = process.cpuUsage();
  #waiting = 0;
  #gcMs = 0;
  #fullGcs = 0;
  readonly #gc = new PerformanceObserver(list =>
    this.#count(list.getEntries()),
  );

  constructor() {
    this.#gc.observe({ entryTypes: ['gc'] });
  }

  async whileWaitingForCatalog<T>(call: () => Promise<T>): Promise<T> {
    const before = process.cpuUsage();
    try {
      return await call();
    } finally {
      this.#waiting += microseconds(process.cpuUsage(before));
    }
  }

  seconds(): RunCpuSeconds {
    // Entries are delivered after the collection, asynchronously; take
    // those not delivered yet.
    this.#count(this.#gc.takeRecords());
    return {
      total: microseconds(process.cpuUsage(this.#start)) / 1e6,
      waitingForCatalog: this.#waiting / 1e6,
      gcPauses: this.#gcMs / 1e3,
      fullGcs: this.#fullGcs,
    };
  }

  stop(): void {
    this.#count(this.#gc.takeRecords());
    this.#gc.disconnect();
  }

  #count(entries: readonly PerformanceEntry[]) {
    for (const entry of entries) {
      this.#gcMs += entry.duration;
      // A gc entry's detail ({ kind, flags }) is missing from the pinned
      // @types/node's PerformanceEntry.
      const { detail } = entry as { detail?: { kind?: number } };
      const kind = detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) this.#fullGcs += 1;
    }
  }
}

function microseconds(usage: NodeJS.CpuUsage): number {
  return usage.user + usage.system;
}
