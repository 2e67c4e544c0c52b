/**
 * A real Prometheus over weeks of known history: the history is written as
 * OpenMetrics, turned into TSDB blocks by `promtool tsdb create-blocks-from
 * openmetrics` and served by a Prometheus started on them, so range and
 * instant queries answer exactly as in production. Shared by the SLO tests,
 * the budget gate's tests and the end-to-end run.
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One service's request history. Times are Unix seconds. */
export interface ServiceHistory {
  /** Share of requests answered with a 5xx at time t; `null`: no requests. */
  errorRatio: (t: number) => number | null;
  /** Requests per second while there is traffic (default 10). */
  rate?: number;
  /** A process restart: the counters start again from zero here. */
  resetAt?: number;
  /** Writes the duration histogram: this share is slower than `le` seconds. */
  latency?: { le: number; slowShare: number };
}

/** An alert that fired, as Prometheus records it in `ALERTS`. */
export interface AlertHistory {
  labels: Record<string, string>;
  from: number;
  to: number;
}

export interface HistoryOptions {
  /** First and last sample time (Unix seconds). */
  begin: number;
  end: number;
  /**
   * Seconds between samples. promtool re-reads its whole input for every
   * 2-hour block it writes, so weeks of history want a coarse step (an
   * hour); every SLO query spans at least that.
   */
  step: number;
  /**
   * Finer samples over the history's last stretch, for what is read at
   * "now" over minutes (5m rates, the 1 h burn rate).
   */
  fineTail?: { seconds: number; step: number };
  services: Record<string, ServiceHistory>;
  alerts?: AlertHistory[];
  /** Label names as the spec's metric names have them (defaults: the seed's). */
  serviceLabel?: string;
  statusLabel?: string;
}

function labelText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',');
}

/** Every `step` from `begin`, then every `fineTail.step` up to `end`. */
function sampleTimes({ begin, end, step, fineTail }: HistoryOptions): number[] {
  const fineFrom = fineTail ? end - fineTail.seconds : end;
  const times: number[] = [];
  for (let t = begin; t <= fineFrom; t += step) times.push(t);
  if (fineTail) {
    const last = times.at(-1) ?? begin;
    for (let t = last + fineTail.step; t <= end; t += fineTail.step)
      times.push(t);
  }
  return times;
}

/** Writes the history as OpenMetrics text (counters, histogram, ALERTS). */
export async function writeOpenMetrics(
  file: string,
  options: HistoryOptions,
): Promise<void> {
  const { begin, step, services } = options;
  const serviceLabel = options.serviceLabel ?? 'service';
  const statusLabel = options.statusLabel ?? 'status';
  const out = createWriteStream(file);
  const write = (line: string) =>
    out.write(line)
      ? undefined
      : new Promise<void>(r => out.once('drain', () => r()));
  const times = sampleTimes(options);
  const resetStep = (history: ServiceHistory) =>
    history.resetAt === undefined
      ? undefined
      : history.resetAt - (history.resetAt % step);

  await write('# TYPE http_requests counter\n');
  for (const [service, history] of Object.entries(services)) {
    const rate = history.rate ?? 10;
    for (const status of ['200', '500']) {
      let value = 0;
      let previous = begin;
      for (const t of times) {
        const ratio = history.errorRatio(t);
        if (ratio !== null && t > begin) {
          const n = rate * (t - previous);
          value += status === '500' ? n * ratio : n * (1 - ratio);
        }
        previous = t;
        if (t === resetStep(history)) value = 0;
        const labels = labelText({
          [serviceLabel]: service,
          [statusLabel]: status,
        });
        await write(`http_requests_total{${labels}} ${value} ${t}\n`);
      }
    }
  }

  await write('# TYPE http_request_duration_seconds histogram\n');
  for (const [service, history] of Object.entries(services)) {
    if (!history.latency) continue;
    const rate = history.rate ?? 10;
    const labels = labelText({ [serviceLabel]: service });
    const { le, slowShare } = history.latency;
    let count = 0;
    let previous = begin;
    for (const t of times) {
      if (history.errorRatio(t) !== null && t > begin)
        count += rate * (t - previous);
      previous = t;
      if (t === resetStep(history)) count = 0;
      const fast = count * (1 - slowShare);
      await write(
        `http_request_duration_seconds_bucket{${labels},le="${le}"} ${fast} ${t}\n` +
          `http_request_duration_seconds_bucket{${labels},le="+Inf"} ${count} ${t}\n` +
          `http_request_duration_seconds_count{${labels}} ${count} ${t}\n`,
      );
    }
  }

  if (options.alerts?.length) {
    await write('# TYPE ALERTS gauge\n');
    // OpenMetrics wants one series' samples together and in time order.
    for (const alert of options.alerts) {
      const labels = labelText({ alertstate: 'firing', ...alert.labels });
      for (let t = alert.from; t <= alert.to; t += step)
        await write(`ALERTS{${labels}} 1 ${t}\n`);
    }
  }
  await write('# EOF\n');
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}

async function freeLoopbackUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>(r => server.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

/** Resolves once the Prometheus at `url` is ready; fails when it exits first. */
export async function waitPrometheusReady(
  url: string,
  child: ChildProcess,
  log: () => string,
): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`prometheus exited: ${log()}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(`prometheus not ready: ${log()}`);
}

export interface BackfilledPrometheus {
  url: string;
  /** The server's process, for tests that hang it (SIGSTOP) and resume it. */
  pid?: number;
  /** Milliseconds spent writing, backfilling and starting. */
  timings: { generateMs: number; backfillMs: number; startMs: number };
  stop(): Promise<void>;
}

/** Backfills the history into a fresh TSDB and starts Prometheus on it. */
export async function startBackfilledPrometheus(
  binaries: { prometheus: string; promtool: string },
  history: HistoryOptions,
): Promise<BackfilledPrometheus> {
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'redline-tsdb-'));
  const file = path.join(directory, 'history.om');
  const data = path.join(directory, 'data');
  let t0 = Date.now();
  await writeOpenMetrics(file, history);
  const generateMs = Date.now() - t0;
  t0 = Date.now();
  await run(binaries.promtool, [
    'tsdb',
    'create-blocks-from',
    'openmetrics',
    '--quiet',
    file,
    data,
  ]);
  const backfillMs = Date.now() - t0;
  await fs.rm(file);
  await fs.writeFile(path.join(directory, 'prometheus.yml'), 'global: {}\n');
  const url = await freeLoopbackUrl();
  t0 = Date.now();
  let output = '';
  const child = spawn(
    binaries.prometheus,
    [
      `--config.file=${path.join(directory, 'prometheus.yml')}`,
      `--storage.tsdb.path=${data}`,
      // Backfilled samples are older than the default 15 days' retention.
      '--storage.tsdb.retention.time=400d',
      `--web.listen-address=${new URL(url).host}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.on('data', d => (output += d));
  child.stderr!.on('data', d => (output += d));
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise(r => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await fs.rm(directory, { recursive: true, force: true });
  };
  try {
    await waitPrometheusReady(url, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    pid: child.pid!,
    timings: { generateMs, backfillMs, startMs: Date.now() - t0 },
    stop,
  };
}
