/**
 * The process's CPU time over a run, and the part spent while the catalog
 * answered its pages: with the catalog in the same backend, that part is
 * the catalog's work, not Redline's. Anything else the process did
 * meanwhile (other requests) is counted too, so Redline's share
 * (total − waitingForCatalog) errs on the high side.
 */
export class RunCpu {
  readonly #start = process.cpuUsage();
  #waiting = 0;

  async whileWaitingForCatalog<T>(call: () => Promise<T>): Promise<T> {
    const before = process.cpuUsage();
    try {
      return await call();
    } finally {
      this.#waiting += microseconds(process.cpuUsage(before));
    }
  }

  seconds(): { total: number; waitingForCatalog: number } {
    return {
      total: microseconds(process.cpuUsage(this.#start)) / 1e6,
      waitingForCatalog: this.#waiting / 1e6,
    };
  }
}

function microseconds(usage: NodeJS.CpuUsage): number {
  return usage.user + usage.system;
}
