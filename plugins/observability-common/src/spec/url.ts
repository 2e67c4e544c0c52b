/**
 * The one rule for "is this a link Redline may hand out": annotations, the
 * generators, the rule linter, the CLI and the backend all ask this module,
 * so a URL one of them accepts is never rejected (or linked) by another.
 */

/**
 * True for an absolute `http://` or `https://` URL that the WHATWG URL parser
 * accepts, with no whitespace anywhere and no credentials (see
 * {@link hasUrlCredentials}).
 * @public
 */
export function isHttpUrl(value: string | undefined): value is string {
  if (typeof value !== 'string') return false;
  // `new URL` trims surrounding whitespace and accepts `http:host`; neither
  // is what a person reading the link sees.
  if (!/^https?:\/\//i.test(value) || /\s/.test(value)) return false;
  if (hasUrlCredentials(value)) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.hostname !== ''
  );
}

/**
 * True when a URL carries userinfo (`user:pass@`, `user@`, even a bare `@`)
 * before its host. Redline refuses such links: a runbook or webhook URL with
 * userinfo is a classic trick. `https://grafana.example.com@evil.test/`
 * reads like a trusted host but goes to `evil.test` (phishing), and a server
 * that fetches such a link sends the embedded credentials along (SSRF with
 * authentication). No link Redline writes or follows needs them.
 * @public
 */
export function hasUrlCredentials(value: string): boolean {
  // The parser drops an empty userinfo (`https://@host`) that the text still
  // shows, so any `@` in the authority counts. Like the parser, skip every
  // slash and backslash after `scheme://` to find it; `mailto:a@b` has none.
  const hierarchical = /^[a-z][a-z0-9+.-]*:[/\\]{2,}/i.exec(value);
  const authority = hierarchical
    ? value.slice(hierarchical[0].length).split(/[/\\?#]/)[0]
    : '';
  if (authority.includes('@')) return true;
  try {
    const url = new URL(value);
    return url.username !== '' || url.password !== '';
  } catch {
    return false;
  }
}

/**
 * The normalised form (percent-encoded, ASCII host) of a URL that passes
 * {@link isHttpUrl}, or undefined.
 * @public
 */
export function normalizeHttpUrl(
  value: string | undefined,
): string | undefined {
  return isHttpUrl(value) ? new URL(value).href : undefined;
}
