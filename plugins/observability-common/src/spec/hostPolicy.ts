/**
 * Which hosts a URL from catalog text may point Redline's outputs at. A
 * catalog author who can write `redline.dev/alert-webhook` must not be able
 * to make Alertmanager post alerts to the cluster's own services or to a
 * cloud metadata endpoint, so internal hosts are refused unless the
 * deployment lists them.
 */

/**
 * True when `host` matches an allow-list entry: the exact host name, or
 * `*.example.com` for its sub-domains. The same rule as
 * `observability.runbookCheck.allowedHosts`.
 * @public
 */
export function hostMatchesAllowList(
  host: string,
  allowedHosts: readonly string[],
): boolean {
  const name = host.toLocaleLowerCase('en-US');
  return allowedHosts.some(entry => {
    const allowed = entry.toLocaleLowerCase('en-US');
    return allowed.startsWith('*.')
      ? name.endsWith(allowed.slice(1))
      : name === allowed;
  });
}

/** Suffixes that name hosts inside a network, never on the public internet. */
const INTERNAL_SUFFIXES = [
  '.localhost',
  '.local',
  '.internal',
  '.intranet',
  '.corp',
  '.home.arpa',
  '.lan',
  '.svc',
];

function ipv4Internal(host: string): boolean {
  const parts = host.split('.').map(Number);
  const [a, b] = parts;
  return (
    a === 0 || // "this network"
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) || // carrier-grade NAT
    (a === 169 && b === 254) || // link-local, cloud metadata
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0 && parts[2] === 0) || // IETF protocol assignments
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    a >= 224 // multicast, reserved, broadcast
  );
}

function ipv6Internal(address: string): boolean {
  const ip = address.toLowerCase();
  if (ip === '::' || ip === '::1') return true;
  // IPv4-mapped (`::ffff:7f00:1`): the URL parser writes the IPv4 part in hex.
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(ip);
  if (mapped) {
    const high = parseInt(mapped[1], 16);
    const low = parseInt(mapped[2], 16);
    return ipv4Internal([high >> 8, high & 255, low >> 8, low & 255].join('.'));
  }
  return (
    /^f[cd][0-9a-f]{2}:/.test(ip) || // unique local, incl. fd00:ec2::254
    /^fe[89ab][0-9a-f]:/.test(ip) || // link-local
    /^ff[0-9a-f]{2}:/.test(ip) // multicast
  );
}

/**
 * True for a host name or address that is not a public internet host:
 * loopback, private (RFC 1918), link-local and cloud metadata addresses,
 * `localhost`, single-label names (which resolve through the cluster's or
 * office's DNS) and internal suffixes such as `*.internal`. `host` is a
 * WHATWG `URL.hostname`, so numeric forms (`0x7f.1`, `2130706433`) are
 * already written as dotted decimal.
 * @public
 */
export function isInternalHost(host: string): boolean {
  const name = host.toLocaleLowerCase('en-US').replace(/\.$/, '');
  if (name.startsWith('[') && name.endsWith(']'))
    return ipv6Internal(name.slice(1, -1));
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(name)) return ipv4Internal(name);
  if (name === '' || name === 'localhost' || !name.includes('.')) return true;
  return INTERNAL_SUFFIXES.some(suffix => name.endsWith(suffix));
}

/**
 * Why Redline refuses to send anything to `url`'s host, or undefined when it
 * may. With an allow-list only the hosts on it are allowed; without one,
 * every public host (see {@link isInternalHost}).
 * @public
 */
export function hostRefusal(
  url: string,
  allowedHosts: readonly string[] | undefined,
): string | undefined {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return 'not a valid absolute URL';
  }
  if (allowedHosts && allowedHosts.length > 0) {
    return hostMatchesAllowList(host, allowedHosts)
      ? undefined
      : `host ${host} is not in the allow-list`;
  }
  return isInternalHost(host) ? `host ${host} is internal` : undefined;
}
