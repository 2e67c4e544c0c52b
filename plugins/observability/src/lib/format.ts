/** 0.823 → `82 %`. Shares and scores are 0–1 on the wire. */
export function percent(share: number, digits = 0): string {
  return `${(share * 100).toFixed(digits)} %`;
}

/** Live values are in the target's unit; keep a few significant digits. */
export function formatValue(
  value: number | null,
  unit: 'percent' | 'ms',
): string {
  if (value === null || !Number.isFinite(value)) return 'no data';
  const rounded =
    Math.abs(value) >= 100
      ? value.toFixed(0)
      : value.toPrecision(3).replace(/\.?0+$/, '');
  return unit === 'ms' ? `${rounded} ms` : `${rounded} %`;
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
