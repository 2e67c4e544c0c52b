import fc from 'fast-check';
import { parse } from 'yaml';
import { toYaml } from './yamlWriter';

describe('toYaml', () => {
  it('prints readable block YAML', () => {
    expect(
      toYaml({
        groups: [
          {
            name: 'redline:checkout:red',
            rules: [
              {
                record: 'service:http_requests:rate5m',
                expr: 'sum(rate(x{a="b"}[5m]))',
                labels: { team: 'payments' },
              },
              {
                alert: 'HighErrorRate',
                expr: 'a\n/\nb > 0.01\n',
                for: '5m',
                labels: {},
              },
            ],
          },
        ],
        empty: [],
        flag: true,
        count: 3,
        skipped: undefined,
        'odd key': 'yes',
        nested: [[1, 2], []],
      }),
    ).toBe(
      [
        'groups:',
        "  - name: 'redline:checkout:red'",
        '    rules:',
        "      - record: 'service:http_requests:rate5m'",
        '        expr: \'sum(rate(x{a="b"}[5m]))\'',
        '        labels:',
        '          team: payments',
        '      - alert: HighErrorRate',
        '        expr: |',
        '          a',
        '          /',
        '          b > 0.01',
        '        for: 5m',
        '        labels: {}',
        'empty: []',
        'flag: true',
        'count: 3',
        "'odd key': 'yes'",
        'nested:',
        '  - - 1',
        '    - 2',
        '  - []',
        '',
      ].join('\n'),
    );
  });

  it('quotes what YAML 1.1 or 1.2 would read as something else', () => {
    const tricky = [
      'true',
      'No',
      'null',
      'yes',
      'On',
      'y',
      'N',
      '0o17',
      '0b101',
      '1_000',
      '12:30',
      '.inf',
      '-.Inf',
      '.NaN',
      '<<',
      '=',
      'e5',
      'E-3',
      '~',
      '1',
      '0x1F',
      '1e3',
      '.5',
      '-',
      '- a',
      'a: b',
      'a #b',
      '#c',
      '*a',
      '&a',
      '!t',
      '%x',
      '@x',
      '`x',
      '',
      ' lead',
      'trail ',
      '{x}',
      '[x]',
      "'q'",
      '"q"',
      '2024-01-01',
      '\u2028',
      '\u0085',
      '\ufeff',
      "it's",
      "''",
      'a\tb',
    ];
    for (const value of tricky) {
      const text = toYaml({ value });
      expect(parse(text)).toEqual({ value });
      // Go's yaml.v2 (Prometheus, Alertmanager, kubectl) resolves YAML 1.1.
      expect(parse(text, { version: '1.1' })).toEqual({ value });
    }
  });

  it('round-trips arbitrary data through the yaml library', () => {
    const value: fc.Arbitrary<unknown> = fc.letrec(tie => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.string({ unit: 'binary' }),
        fc.string({
          unit: fc.constantFrom(
            'a',
            ' ',
            '\n',
            ':',
            '#',
            '-',
            '"',
            "'",
            '\\',
            '{',
            '|',
            '\t',
            '\u2028',
            '\u0085',
          ),
        }),
        fc.integer(),
        fc.boolean(),
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(
          fc.string({ unit: 'binary', maxLength: 8 }),
          tie('node'),
          { maxKeys: 4 },
        ),
      ),
    })).node;
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 8 }), value, { maxKeys: 5 }),
        data => {
          // Lone surrogates are made well-formed before any text reaches a writer (portableText).
          const wellFormed = JSON.parse(
            JSON.stringify(data).replace(/\\ud[89a-f][0-9a-f]{2}/gi, '\\ufffd'),
          );
          const text = toYaml(wellFormed);
          expect(parse(text)).toEqual(wellFormed);
          expect(parse(text, { version: '1.1' })).toEqual(wellFormed);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
