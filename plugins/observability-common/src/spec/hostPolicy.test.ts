import { generateAlertmanagerFragment } from '../generate/alertmanager';
import { makeSpec } from '../generate/__testUtils__/makeSpec';
import { resolveGeneratorConfig } from './config';
import { hostRefusal, isInternalHost } from './hostPolicy';

describe('isInternalHost', () => {
  it.each([
    'localhost',
    'api.localhost',
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '[::1]',
    '[::ffff:7f00:1]',
    '[fd00:ec2::254]',
    '[fe80::1]',
    'metadata.google.internal',
    'alertmanager',
    'printer.local',
    'hooks.svc',
  ])('%s is internal', host => expect(isInternalHost(host)).toBe(true));

  it.each([
    'hooks.example.com',
    '8.8.8.8',
    '172.32.0.1',
    '[2001:4860:4860::8888]',
  ])('%s is public', host => expect(isInternalHost(host)).toBe(false));

  it('sees through the numeric spellings the URL parser normalises', () => {
    for (const url of [
      'http://0x7f.1/',
      'http://2130706433/',
      'http://0177.0.0.1/',
      'http://LOCALHOST./',
      'http://[::ffff:127.0.0.1]/',
    ])
      expect(hostRefusal(url, undefined)).toMatch(/is internal$/);
  });
});

describe('hostRefusal', () => {
  it('allows public hosts when no allow-list is configured', () => {
    expect(hostRefusal('https://hooks.example.com/a', undefined)).toBe(
      undefined,
    );
    expect(hostRefusal('https://hooks.example.com/a', [])).toBe(undefined);
  });

  it('allows only listed hosts (exact or *.suffix) when a list is configured', () => {
    const list = ['alerts.internal', '*.hooks.example.com'];
    expect(hostRefusal('http://alerts.internal/x', list)).toBe(undefined);
    expect(hostRefusal('https://a.hooks.example.com/x', list)).toBe(undefined);
    expect(hostRefusal('https://example.org/x', list)).toBe(
      'host example.org is not in the allow-list',
    );
  });
});

describe('alert webhook policy in the generated Alertmanager routing', () => {
  const internal = makeSpec({
    routing: { webhookUrl: 'http://169.254.169.254/latest/meta-data' },
  });

  it('leaves an internal webhook out and reports it', () => {
    const { fragment, findings } = generateAlertmanagerFragment(
      internal,
      resolveGeneratorConfig(),
    );
    expect(JSON.stringify(fragment)).not.toContain('169.254');
    expect(findings).toContainEqual(
      expect.objectContaining({
        id: 'alertmanager.webhook-host-not-allowed',
        annotation: 'redline.dev/alert-webhook',
        message: expect.stringContaining('host 169.254.169.254 is internal'),
      }),
    );
  });

  it('keeps a webhook on a host the deployment allows', () => {
    const { fragment, findings } = generateAlertmanagerFragment(
      internal,
      resolveGeneratorConfig({
        alertWebhook: { allowedHosts: ['169.254.169.254'] },
      }),
    );
    expect(findings.map(f => f.id)).not.toContain(
      'alertmanager.webhook-host-not-allowed',
    );
    expect(JSON.stringify(fragment)).toContain('169.254.169.254');
  });
});
