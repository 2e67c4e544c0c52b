import { alertmanagerConfigFact } from './alertmanagerStatus';

describe('alertmanagerConfigFact', () => {
  it('reads the route and receivers of config.original', () => {
    expect(
      alertmanagerConfigFact('prod', {
        config: {
          original:
            'global: {}\nroute:\n  receiver: a\nreceivers:\n  - name: a\n',
        },
      }),
    ).toEqual({
      status: 'ok',
      source: 'prod',
      config: { route: { receiver: 'a' }, receivers: [{ name: 'a' }] },
    });
  });

  it.each([
    [{}, '/api/v2/status has no config.original'],
    [null, '/api/v2/status has no config.original'],
    [
      { config: { original: '- a\n- b\n' } },
      'config.original of /api/v2/status is not a YAML mapping',
    ],
  ])('is unknown naming the field for %j', (status, reason) => {
    expect(alertmanagerConfigFact('prod', status)).toEqual({
      status: 'unknown',
      source: 'prod',
      reason,
    });
  });

  it('is unknown when config.original is not YAML', () => {
    const fact = alertmanagerConfigFact('prod', {
      config: { original: 'route: [unclosed' },
    });
    expect(fact).toMatchObject({ status: 'unknown', source: 'prod' });
    expect(fact.status === 'unknown' && fact.reason).toMatch(
      /^config\.original of \/api\/v2\/status is not YAML \(/,
    );
  });
});
