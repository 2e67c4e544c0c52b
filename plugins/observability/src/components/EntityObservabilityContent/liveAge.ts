/**
 * "as of 12:03:10, 20 s ago": when the live parts were read (the backend's
 * reading time when it gives one, never later than the viewer's clock), and
 * how long ago, so a stale page says so.
 */
export function asOfText(asOf: number, now: number): string {
  const time = new Date(asOf).toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  });
  return `as of ${time}, ${ageText(Math.max(0, now - asOf))}`;
}

/** An age in the largest unit that keeps it short: "just now", "20 s ago", "3 min ago", "2 h ago". */
export function ageText(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  return `${Math.floor(minutes / 60)} h ago`;
}
