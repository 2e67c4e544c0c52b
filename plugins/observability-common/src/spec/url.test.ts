import { hasUrlCredentials, isHttpUrl, normalizeHttpUrl } from './url';

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
