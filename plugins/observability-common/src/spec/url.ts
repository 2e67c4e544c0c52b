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
  return parseHttpUrl(value) !== undefined;
}

/**
 * {@link isHttpUrl}'s check, returning the parsed URL: every link Redline
 * writes goes through here, so the text is parsed once, not once per question.
 */
function parseHttpUrl(value: string | undefined): URL | undefined {
  if (typeof value !== 'string') return undefined;
  // `new URL` trims surrounding whitespace and accepts `http:host`; neither
  // is what a person reading the link sees.
  if (!/^https?:\/\//i.test(value) || /\s/.test(value)) return undefined;
  if (authorityHasAt(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  // The rest of hasUrlCredentials, on the URL already parsed.
  if (url.username !== '' || url.password !== '') return undefined;
  return (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.hostname !== ''
    ? url
    : undefined;
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
  if (authorityHasAt(value)) return true;
  try {
    const url = new URL(value);
    return url.username !== '' || url.password !== '';
  } catch {
    return false;
  }
}

/**
 * The parser drops an empty userinfo (`https://@host`) that the text still
 * shows, so any `@` in the authority counts. Like the parser, skip every
 * slash and backslash after `scheme://` to find it; `mailto:a@b` has none.
 */
function authorityHasAt(value: string): boolean {
  const hierarchical = /^[a-z][a-z0-9+.-]*:[/\\]{2,}/i.exec(value);
  const authority = hierarchical
    ? value.slice(hierarchical[0].length).split(/[/\\?#]/)[0]
    : '';
  return authority.includes('@');
}

/**
 * The normalised form (percent-encoded, ASCII host) of a URL that passes
 * {@link isHttpUrl}, or undefined.
 * @public
 */
export function normalizeHttpUrl(
  value: string | undefined,
): string | undefined {
  return parseHttpUrl(value)?.href;
}
