/**
 * Linux /proc readings for the portal benchmark: CPU time of a process tree
 * and which process of it listens on a TCP port. Read straight from /proc
 * because the backend is a separate process (process.cpuUsage() only sees
 * this one) and `ps` rounds CPU time to whole seconds.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Clock ticks per second, the unit of utime/stime in /proc/<pid>/stat. */
const CLK_TCK = (() => {
  try {
    return (
      Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100
    );
  } catch {
    return 100;
  }
})();

/**
 * `{ name, ppid, ticks }` from a `/proc/.../stat` file (a process's or one
 * of its threads'), or undefined once it is gone. The command name (field
 * 2) may contain spaces and parentheses, so fields are counted from the
 * last `)`.
 */
function readStat(path) {
  try {
    const text = readFileSync(path, 'utf8');
    const close = text.lastIndexOf(')');
    const fields = text.slice(close + 2).split(' ');
    // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
    return {
      name: text.slice(text.indexOf('(') + 1, close),
      ppid: Number(fields[1]),
      ticks: Number(fields[11]) + Number(fields[12]),
    };
  } catch {
    return undefined;
  }
}

const stat = pid => readStat(`/proc/${pid}/stat`);

/** `root` and every live descendant of it. */
export function processTree(root) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = stat(entry);
    if (!s) continue;
    if (!children.has(s.ppid)) children.set(s.ppid, []);
    children.get(s.ppid).push(Number(entry));
  }
  const pids = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift();
    pids.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return pids;
}

/** User + system CPU seconds consumed so far by the given processes. */
export function cpuSeconds(pids) {
  let ticks = 0;
  for (const pid of pids) ticks += stat(pid)?.ticks ?? 0;
  return ticks / CLK_TCK;
}

/**
 * CPU seconds by thread name (`comm`) over the given processes. Names depend
 * on the Node release; on Node 24 the JavaScript thread is `MainThread`,
 * V8's helpers (concurrent garbage collector, optimising compilers)
 * `V8Worker` and libuv's pool `libuv-worker`. Tells a run's own JavaScript
 * from what the runtime spent around it.
 */
export function cpuByThread(pids) {
  const byName = new Map();
  for (const pid of pids) {
    let tids;
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      const thread = readStat(`/proc/${pid}/task/${tid}/stat`);
      if (!thread) continue; // ended meanwhile
      byName.set(
        thread.name,
        (byName.get(thread.name) ?? 0) + thread.ticks / CLK_TCK,
      );
    }
  }
  return byName;
}

/** `after − before` of two {@link cpuByThread} readings, largest first. */
export function threadCpuDelta(before, after) {
  return [...after]
    .map(([name, seconds]) => [name, seconds - (before.get(name) ?? 0)])
    .filter(([, seconds]) => seconds > 0)
    .sort((a, b) => b[1] - a[1]);
}

/** Socket inodes listening on `port` (IPv4 and IPv6 tables). */
function listeningInodes(port) {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // cols[1] local address:port, cols[3] state (0A = LISTEN), cols[9] inode.
      if (cols.length > 9 && cols[1].endsWith(`:${hex}`) && cols[3] === '0A')
        inodes.add(cols[9]);
    }
  }
  return inodes;
}

/** The pid among `pids` holding the socket that listens on `port`, or undefined. */
export function listenerPid(port, pids) {
  const inodes = listeningInodes(port);
  for (const pid of pids) {
    let fds;
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(
          readlinkSync(`/proc/${pid}/fd/${fd}`),
        );
        if (m && inodes.has(m[1])) return pid;
      } catch {
        // fd closed meanwhile
      }
    }
  }
  return undefined;
}
