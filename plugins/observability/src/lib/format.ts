/** 0.823 → `82 %`. Shares and scores are 0–1 on the wire. */
export function percent(share: number, digits = 0): string {
  return `${(share * 100).toFixed(digits)} %`;
}

/** A live value in its unit (the target's, or `req/s` for the rate signal); a few significant digits. */
export function formatValue(
  value: number | null,
  unit: 'percent' | 'ms' | 'req/s',
): string {
  if (value === null || !Number.isFinite(value)) return 'no data';
  const rounded =
    Math.abs(value) >= 100
      ? value.toFixed(0)
      : value.toPrecision(3).replace(/\.?0+$/, '');
  if (unit === 'ms') return `${rounded} ms`;
  if (unit === 'req/s') return `${rounded} req/s`;
  return `${rounded} %`;
}

/**
 * Only http(s) links survive in rendered runbooks; anything else
 * (`javascript:`, `data:`, relative paths) is dropped to plain text, because
 * runbook Markdown may come from annotations anyone can edit.
 */
export function safeHttpUrl(uri: string | undefined | null): string {
  if (!uri) return '';
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' || url.protocol === 'https:'
      ? url.toString()
      : '';
  } catch {
    return '';
  }
}
