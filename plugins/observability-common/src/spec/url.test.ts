import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { describeWithBinary } from '../../../../test/support/binaries';
import {
  goUrlParseError,
  hasUrlCredentials,
  isHttpUrl,
  normalizeHttpUrl,
} from './url';

describe('isHttpUrl', () => {
  it.each([
    'http://wiki.example.com',
    'https://wiki.example.com/runbooks/checkout?tab=1#top',
    'HTTPS://Wiki.Example.com/a%20b',
    'https://[::1]:8443/x',
    'https://logs.example.com/search?q={service}',
  ])('accepts %s', url => {
    expect(isHttpUrl(url)).toBe(true);
  });

  it.each([
    ['another scheme', 'ftp://wiki.example.com/runbook'],
    // eslint-disable-next-line no-script-url -- the hostile value under test
    ['a script', 'javascript:alert(1)'],
    ['a data URL', 'data:text/html,hi'],
    ['a relative path', '/runbooks/checkout'],
    ['no slashes after the scheme', 'https:wiki.example.com'],
    ['no host', 'https://'],
    ['a space', 'https://wiki.example.com/a b'],
    ['surrounding whitespace', ' https://wiki.example.com'],
    ['a newline', 'https://wiki.example.com/\nx'],
    ['user and password', 'https://user:secret@wiki.example.com/'],
    ['a user name only', 'https://grafana.example.com@evil.example/'],
    ['an empty user', 'https://@wiki.example.com/'],
    ['a user behind a backslash', 'https://\\user:pw@wiki.example.com/'],
    ['not a URL', 'not a url'],
    ['nothing', ''],
    ['undefined', undefined],
  ])('rejects %s', (_, url) => {
    expect(isHttpUrl(url)).toBe(false);
  });
});

describe('hasUrlCredentials', () => {
  it('sees userinfo however it is spelled, and nothing else', () => {
    expect(hasUrlCredentials('https://user:pw@wiki.example.com/')).toBe(true);
    expect(hasUrlCredentials('https://@wiki.example.com/')).toBe(true);
    expect(hasUrlCredentials('ftp://user@files.example.com/')).toBe(true);
    expect(hasUrlCredentials('https://wiki.example.com/@user')).toBe(false);
    expect(hasUrlCredentials('https://wiki.example.com/?by=a@b.c')).toBe(false);
    expect(hasUrlCredentials('mailto:oncall@example.com')).toBe(false);
  });
});

describe('normalizeHttpUrl', () => {
  it('returns the percent-encoded form with a lower-case host, or undefined', () => {
    expect(normalizeHttpUrl('https://Wiki.Example.com/ä?q="x"')).toBe(
      'https://wiki.example.com/%C3%A4?q=%22x%22',
    );
    expect(
      normalizeHttpUrl('https://user:pw@wiki.example.com'),
    ).toBeUndefined();
    expect(normalizeHttpUrl('ftp://x')).toBeUndefined();
  });
});

/**
 * Alertmanager reads webhook URLs with Go's net/url; each verdict here is
 * also checked against the real `amtool check-config` below.
 */
const GO_VERDICTS: Array<[string, string, boolean]> = [
  ['a plain webhook', 'https://hooks.example.com/alerts/checkout', true],
  ['an IP and port', 'http://127.0.0.1:9093/hook', true],
  ['an IPv6 host', 'https://[::1]:8443/x', true],
  ['an empty port', 'https://hooks.example.com:/x', true],
  ['valid escapes', 'https://hooks.example.com/a%20b/%C3%A4', true],
  ['an invalid escape in the query', 'https://hooks.example.com/?q=%zz', true],
  ['a bare % in the query', 'https://hooks.example.com/?q=100%', true],
  ['braces and a pipe in the path', 'https://hooks.example.com/a{b}|c', true],
  ['a non-ASCII host', 'https://bücher.example/', true],
  ['%TAG in the path', 'https://hooks.example.com/%TAG', false],
  ['%zz in the path', 'https://hooks.example.com/%zz', false],
  ['a bare % in the path', 'https://hooks.example.com/100%', false],
  ['an invalid escape in the fragment', 'https://hooks.example.com/#a%', false],
  ['an escaped letter in the host', 'https://ex%41mple.com/', false],
  ['a brace in the host', 'https://a{b.example.com/', false],
  ['a space in the host', 'https://hooks example.com/', false],
  ['no host before the path', 'https:///hooks.example.com', false],
  ['a control character', 'https://hooks.example.com/a\u0001b', false],
  ['DEL', 'https://hooks.example.com/a\u007fb', false],
  ['a letter in the port', 'https://hooks.example.com:80a/', false],
  ['another scheme', 'ftp://hooks.example.com/', false],
];

/** Go accepts these; Redline does not, because a person reading the link would not see it right. */
const STRICTER_THAN_GO: Array<[string, string]> = [
  ['a space in the path', 'https://hooks.example.com/a b'],
  ['a no-break space', 'https://hooks.example.com/a\u00a0b'],
];

describe('goUrlParseError', () => {
  it.each(GO_VERDICTS)('%s: %s', (_, url, accepted) => {
    expect(isHttpUrl(url)).toBe(accepted);
  });

  it('says what Go objects to', () => {
    expect(goUrlParseError('https://hooks.example.com/%TAG')).toBe(
      'has an invalid percent-escape "%TA" (write a literal % as %25)',
    );
    expect(goUrlParseError('https:///x')).toBe('has no host');
    expect(goUrlParseError('https://hooks.example.com/?q=%zz')).toBeUndefined();
  });
});

describeWithBinary('amtool')('URL verdicts against amtool', amtool => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'redline-url-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** amtool's verdict per URL, from one invocation over one config per URL. */
  function amtoolAccepts(urls: string[]): boolean[] {
    const files = urls.map((url, i) => {
      const file = join(dir, `${i}.yaml`);
      // A YAML double-quoted scalar; DEL must be escaped too, or YAML refuses it.
      const quoted = JSON.stringify(url).replace(/\u007f/g, '\\x7f');
      writeFileSync(
        file,
        `route:\n  receiver: r\nreceivers:\n  - name: r\n    webhook_configs:\n      - url: ${quoted}\n`,
      );
      return file;
    });
    const { stdout } = spawnSync(amtool, ['check-config', ...files], {
      encoding: 'utf8',
    });
    return files.map(file =>
      new RegExp(`Checking '${file}'\\s+SUCCESS`).test(stdout),
    );
  }

  it("each verdict is amtool check-config's", () => {
    const verdicts = amtoolAccepts(GO_VERDICTS.map(([, url]) => url));
    expect(
      GO_VERDICTS.map(([name, url], i) => ({
        name,
        amtool: verdicts[i],
        redline: isHttpUrl(url),
      })),
    ).toEqual(
      GO_VERDICTS.map(([name, , accepted]) => ({
        name,
        amtool: accepted,
        redline: accepted,
      })),
    );
  });

  it('is stricter than Go only where a reader would be misled', () => {
    const urls = STRICTER_THAN_GO.map(([, url]) => url);
    expect(amtoolAccepts(urls)).toEqual(urls.map(() => true));
    expect(urls.map(url => isHttpUrl(url))).toEqual(urls.map(() => false));
  });
});
