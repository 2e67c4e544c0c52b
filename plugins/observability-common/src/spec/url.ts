/**
 * The one rule for "is this a link Redline may hand out": annotations, the
 * generators, the rule linter, the CLI and the backend all ask this module,
 * so a URL one of them accepts is never rejected (or linked) by another.
 */
import { BoundedMemo } from '../memo/BoundedMemo';

/**
 * True for an absolute `http://` or `https://` URL that the WHATWG URL parser
 * accepts, with no whitespace anywhere, no credentials (see
 * {@link hasUrlCredentials}), and that Go's `net/url` accepts too (see
 * {@link goUrlParseError}).
 * @public
 */
export function isHttpUrl(value: string | undefined): value is string {
  return checkedHref(value) !== undefined;
}

/**
 * The last few answers of {@link checkedHref}: describing an entity asks
 * about the same link several times in a row (the annotation's schema, the
 * confidence score, the runbook and dashboard links), and a catalog's
 * links are mostly distinct, so a few entries catch the repeats and a
 * larger memo would only grow.
 */
const recentlyChecked = new BoundedMemo<string, string | undefined>(16);

const hrefIfHttp = (value: string) => parseHttpUrl(value)?.href;

/**
 * {@link isHttpUrl}'s check, returning the normalised form: every link
 * Redline writes goes through here.
 */
function checkedHref(value: string | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  return recentlyChecked.get(value, hrefIfHttp);
}

function parseHttpUrl(value: string): URL | undefined {
  // `new URL` trims surrounding whitespace and accepts `http:host`; neither
  // is what a person reading the link sees.
  if (!/^https?:\/\//i.test(value) || /\s/.test(value)) return undefined;
  if (authorityHasAt(value) || goUrlParseError(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  // The rest of hasUrlCredentials, on the URL already parsed.
  if (url.username !== '' || url.password !== '') return undefined;
  // What Redline writes is the serialised form: Go must read that too.
  if (url.href !== value && goUrlParseError(url.href)) return undefined;
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
  return checkedHref(value);
}

/** A `%` not followed by two hex digits, as Go reports it. */
function invalidEscape(part: string): string | undefined {
  const bad = /%(?![0-9A-Fa-f]{2})/.exec(part);
  return bad ? part.slice(bad.index, bad.index + 3) : undefined;
}

/**
 * ASCII Go's `net/url` allows in a host besides letters and digits
 * (`shouldEscape` in host mode); non-ASCII bytes are allowed.
 */
const GO_HOST_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:[\]<>"\u0080-\uFFFF]*$/;

/** Go's `validOptionalPort`: nothing, or `:` and digits. */
const GO_OPTIONAL_PORT = /^(?::[0-9]*)?$/;

/**
 * Why Go's `url.Parse` (and Alertmanager's http(s) URL check on top of it)
 * rejects an absolute URL that the WHATWG parser may accept, or undefined.
 * Prometheus and Alertmanager read every URL Redline writes with Go, and
 * WHATWG is lenient where Go is not: it keeps `%zz` as text, reads
 * `https:///host` as a host, and decodes `%41` in a host. Go checks
 * percent-escapes in the path and fragment but not in the query.
 * @public
 */
export function goUrlParseError(value: string): string | undefined {
  // eslint-disable-next-line no-control-regex -- control characters are what it looks for
  if (/[\u0000-\u001F\u007F]/.test(value))
    return 'contains a control character';
  const hashAt = value.indexOf('#');
  const fragment = hashAt < 0 ? '' : value.slice(hashAt + 1);
  const beforeFragment = hashAt < 0 ? value : value.slice(0, hashAt);
  const beforeQuery = beforeFragment.split('?')[0];
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(beforeQuery);
  if (!scheme) return 'is not an absolute URL';
  const rest = beforeQuery.slice(scheme[0].length);
  const slashAt = rest.indexOf('/');
  const authority = slashAt < 0 ? rest : rest.slice(0, slashAt);
  const path = slashAt < 0 ? '' : rest.slice(slashAt);
  const host = authority.slice(authority.lastIndexOf('@') + 1);

  const hostProblem = goHostError(host);
  if (hostProblem) return hostProblem;
  const escape = invalidEscape(path) ?? invalidEscape(fragment);
  if (escape)
    return `has an invalid percent-escape "${escape}" (write a literal % as %25)`;
  return undefined;
}

function goHostError(host: string): string | undefined {
  let name = host;
  let port = '';
  if (host.startsWith('[')) {
    const end = host.lastIndexOf(']');
    if (end < 0) return 'has no "]" after "["';
    name = host.slice(0, end + 1);
    port = host.slice(end + 1);
  } else if (host.includes(':')) {
    const colon = host.lastIndexOf(':');
    name = host.slice(0, colon);
    port = host.slice(colon);
  }
  if (!GO_OPTIONAL_PORT.test(port)) return `has an invalid port "${port}"`;
  if (name === '') return 'has no host';
  // Go allows escapes in an IPv6 zone (`[fe80::1%25eth0]`) and, in a host
  // name, only escapes of non-ASCII bytes.
  const unzoned = name.split('%25')[0];
  if (/%(?:[0-7]|(?![0-9A-Fa-f]{2}))/.test(unzoned))
    return 'has a percent-escape in the host';
  if (!GO_HOST_CHARS.test(unzoned.replace(/%[0-9A-Fa-f]{2}/g, '')))
    return 'has a character that is not allowed in a host';
  return undefined;
}
