/**
 * A week (or any span) of minute-by-minute request history with known
 * incidents — error bursts and latency spikes — written both as OpenMetrics
 * for a backfilled Prometheus and as `promtool test rules` input series, so
 * the same samples reach the query engine and Prometheus' own rule
 * evaluation.
 */
import { execFile, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  waitPrometheusReady,
  type AlertHistory,
  type BackfilledPrometheus,
} from './backfilledPrometheus';

const run = promisify(execFile);
const DAY = 86_400;

/** A stretch of time, Unix seconds: samples in `(from, from + minutes]` are affected. */
export interface Incident {
  from: number;
  minutes: number;
}

export interface IncidentService {
  /** Share of requests answered with a 500 during each burst. */
  errorBursts?: Array<Incident & { ratio: number }>;
  /** Share of requests taking 0.5–1 s (instead of under 0.1 s) during each spike. */
  latencySpikes?: Array<Incident & { slowShare: number }>;
  /** Requests per second (default 10). */
  rate?: number;
}

export interface IncidentHistoryOptions {
  /** First and last sample, Unix seconds; `end - begin` a multiple of `step`. */
  begin: number;
  end: number;
  step: number;
  services: Record<string, IncidentService>;
  alerts?: AlertHistory[];
}

/** One series: its text (`name{labels}`) and one value per step from `begin`. */
export interface SampledSeries {
  series: string;
  values: number[];
}

/** Histogram buckets written; a spike moves requests from the first into (0.5, 1]. */
const BUCKETS = ['0.1', '0.5', '1', '+Inf'];

function during<T extends Incident>(
  incidents: T[] | undefined,
  t: number,
): T | undefined {
  return incidents?.find(i => t > i.from && t <= i.from + i.minutes * 60);
}

/** Every counter and histogram series of every service, sample by sample. */
export function sampleIncidentHistory(
  options: IncidentHistoryOptions,
): SampledSeries[] {
  const { begin, end, step } = options;
  const out: SampledSeries[] = [];
  for (const [service, history] of Object.entries(options.services)) {
    const perStep = (history.rate ?? 10) * step;
    const ok: number[] = [];
    const errors: number[] = [];
    const buckets: number[][] = BUCKETS.map(() => []);
    const counts: number[] = [];
    let [okTotal, errorTotal, fast, slow] = [0, 0, 0, 0];
    for (let t = begin; t <= end; t += step) {
      if (t > begin) {
        const errorShare = during(history.errorBursts, t)?.ratio ?? 0;
        const slowShare = during(history.latencySpikes, t)?.slowShare ?? 0;
        errorTotal += perStep * errorShare;
        okTotal += perStep * (1 - errorShare);
        slow += perStep * slowShare;
        fast += perStep * (1 - slowShare);
      }
      ok.push(okTotal);
      errors.push(errorTotal);
      buckets[0].push(fast);
      buckets[1].push(fast);
      buckets[2].push(fast + slow);
      buckets[3].push(fast + slow);
      counts.push(fast + slow);
    }
    out.push(
      {
        series: `http_requests_total{service="${service}",status="200"}`,
        values: ok,
      },
      {
        series: `http_requests_total{service="${service}",status="500"}`,
        values: errors,
      },
      ...BUCKETS.map((le, i) => ({
        series: `http_request_duration_seconds_bucket{service="${service}",le="${le}"}`,
        values: buckets[i],
      })),
      {
        series: `http_request_duration_seconds_count{service="${service}"}`,
        values: counts,
      },
    );
  }
  return out;
}

/**
 * The history as OpenMetrics text, each series' samples together and in
 * time order; only samples in `[slice.from, slice.to)` when a slice is given.
 */
export async function writeIncidentOpenMetrics(
  file: string,
  options: IncidentHistoryOptions,
  slice: { from: number; to: number } = { from: -Infinity, to: Infinity },
): Promise<void> {
  const out = createWriteStream(file);
  const write = (line: string) =>
    out.write(line)
      ? undefined
      : new Promise<void>(r => out.once('drain', () => r()));
  const series = sampleIncidentHistory(options);
  const families: Array<[string, string, SampledSeries[]]> = [
    [
      'http_requests',
      'counter',
      series.filter(s => s.series.startsWith('http_requests_total')),
    ],
    [
      'http_request_duration_seconds',
      'histogram',
      series.filter(s => s.series.startsWith('http_request_duration')),
    ],
  ];
  for (const [family, type, members] of families) {
    await write(`# TYPE ${family} ${type}\n`);
    for (const { series: name, values } of members)
      for (let i = 0; i < values.length; i++) {
        const t = options.begin + i * options.step;
        if (t >= slice.from && t < slice.to)
          await write(`${name} ${values[i]} ${t}\n`);
      }
  }
  if (options.alerts?.length) {
    await write('# TYPE ALERTS gauge\n');
    for (const alert of options.alerts) {
      const labels = Object.entries({ alertstate: 'firing', ...alert.labels })
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',');
      for (let t = alert.from; t <= alert.to; t += options.step)
        if (t >= slice.from && t < slice.to)
          await write(`ALERTS{${labels}} 1 ${t}\n`);
    }
  }
  await write('# EOF\n');
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>(r => server.close(() => r()));
  return port;
}

/** Backfills the history into a fresh TSDB and starts Prometheus on it. */
export async function startIncidentPrometheus(
  binaries: { prometheus: string; promtool: string },
  history: IncidentHistoryOptions,
): Promise<BackfilledPrometheus> {
  const directory = await fs.mkdtemp(
    path.join(os.tmpdir(), 'redline-incidents-'),
  );
  const data = path.join(directory, 'data');
  // promtool 2.42 re-reads its whole input for every 2-hour block it
  // writes, so a day per input keeps weeks of minute samples fast; days
  // start on block boundaries, so no two inputs share a block.
  let generateMs = 0;
  let backfillMs = 0;
  for (
    let from = history.begin - (history.begin % DAY);
    from <= history.end;
    from += DAY
  ) {
    const file = path.join(directory, `day-${from}.om`);
    let t0 = Date.now();
    await writeIncidentOpenMetrics(file, history, { from, to: from + DAY });
    generateMs += Date.now() - t0;
    t0 = Date.now();
    await run(binaries.promtool, [
      'tsdb',
      'create-blocks-from',
      'openmetrics',
      '--quiet',
      file,
      data,
    ]);
    backfillMs += Date.now() - t0;
    await fs.rm(file);
  }
  await fs.writeFile(path.join(directory, 'prometheus.yml'), 'global: {}\n');
  const url = `http://127.0.0.1:${await freePort()}`;
  const t0 = Date.now();
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
    timings: { generateMs, backfillMs, startMs: Date.now() - t0 },
    stop,
  };
}
