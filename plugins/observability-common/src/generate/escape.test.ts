import {
  decodeStringLiteral,
  findPromqlSyntaxError,
} from '../spec/labelMatchers';
import {
  escapePromLabelValue,
  escapePromTemplateText,
  escapeRegex,
  formatNumber,
  kubernetesLabelValue,
  kubernetesName,
  leBucketRegex,
  promEqualMatcher,
  sanitizeText,
  unescapePromTemplateText,
} from './escape';
import { expandTemplate } from './__promtool__/ruleTestKit';

describe('escapePromLabelValue', () => {
  it.each([
    ['plain', 'checkout'],
    ['quote', 'a"b'],
    ['backslash', 'a\\b'],
    ['newline and tab', 'a\nb\tc'],
    ['injection attempt', 'x"} or vector(1) or up{a="'],
    ['unicode', 'zahlung-übersicht ✓ 🚀'],
  ])(
    'keeps %s inside one PromQL string that decodes to the original',
    (_, value) => {
      const expr = `up{${promEqualMatcher('service', value)}}`;
      expect(findPromqlSyntaxError(expr)).toBeUndefined();
      expect(decodeStringLiteral(`"${escapePromLabelValue(value)}"`)).toEqual({
        value,
      });
    },
  );

  it('drops control characters and repairs lone surrogates', () => {
    expect(escapePromLabelValue('a\u0000b\rc\u001b')).toBe('abc');
    expect(escapePromLabelValue('x\ud800y')).toBe('x\\uFFFDy');
    expect(decodeStringLiteral('"x\\uFFFDy"')).toEqual({ value: 'x\ufffdy' });
    expect(sanitizeText('ok 🚀')).toBe('ok 🚀');
  });
});

describe('escapePromTemplateText', () => {
  it('turns every {{ into an action printing {{', () => {
    expect(escapePromTemplateText('a {{ $labels.x }} b')).toBe(
      'a {{ "{{" }} $labels.x }} b',
    );
    expect(escapePromTemplateText('{{{{')).toBe('{{ "{{" }}{{ "{{" }}');
  });

  it('escapes a trailing { so generated actions appended after it still open correctly', () => {
    const text = `${escapePromTemplateText(
      'name{',
    )}{{ $value | humanizePercentage }}`;
    expect(text).toBe('name{{ "{" }}{{ $value | humanizePercentage }}');
    expect(expandTemplate(text, 0.5)).toBe('name{50%');
  });

  it('is reversed by unescapePromTemplateText, which keeps $value actions', () => {
    for (const s of ['a {{ b }} c{', '{{{', 'plain']) {
      expect(unescapePromTemplateText(escapePromTemplateText(s))).toBe(s);
    }
    expect(
      unescapePromTemplateText('x {{ $value | humanizePercentage }}'),
    ).toBe('x {{ $value | humanizePercentage }}');
  });

  it('leaves text without braces alone and expands back to the original', () => {
    expect(escapePromTemplateText('High error rate on checkout')).toBe(
      'High error rate on checkout',
    );
    for (const s of ['}}', '{ {', '{{', 'x{{{y', '$value', '{{- /* */ -}}']) {
      expect(expandTemplate(escapePromTemplateText(s))).toBe(s);
    }
  });
});

describe('numbers and buckets', () => {
  it('formats numbers without binary noise', () => {
    expect(formatNumber(1 - 0.999)).toBe('0.001');
    expect(formatNumber(14.4)).toBe('14.4');
    expect(formatNumber(0.3)).toBe('0.3');
    expect(formatNumber(Infinity)).toBe('+Inf');
  });

  it('matches every spelling of le: Prometheus 2 and 3, trailing zeros', () => {
    const matches = (boundary: number, le: string) =>
      new RegExp(`^(?:${leBucketRegex(boundary)})$`).test(le);
    expect(leBucketRegex(1)).toBe('1(?:\\.0*)?');
    expect(leBucketRegex(0.3)).toBe('0\\.30*');
    expect(matches(0.3, '0.30')).toBe(true);
    expect(matches(0.3, '0.300')).toBe(true);
    expect(matches(0.3, '0.31')).toBe(false);
    expect(matches(0.3, '0.03')).toBe(false);
    expect(matches(1, '1.000')).toBe(true);
    expect(matches(1, '10')).toBe(false);
    expect(matches(1, '1')).toBe(true);
    expect(matches(1, '1.0')).toBe(true);
    expect(matches(1, '1x0')).toBe(false);
    expect(matches(0.3, '0.3')).toBe(true);
    expect(matches(0.25, '0.25')).toBe(true);
    expect(matches(10, '10.0')).toBe(true);
    // Go's %g uses exponents below 1e-4.
    expect(matches(0.00005, '5e-05')).toBe(true);
    expect(matches(0.00005, '0.00005')).toBe(true);
  });

  it('escapes regex metacharacters', () => {
    expect(escapeRegex('a.b|c(d)')).toBe('a\\.b\\|c\\(d\\)');
  });
});

describe('kubernetes names', () => {
  const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
  const LABEL = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

  it('keeps valid names and makes others valid and distinct', () => {
    expect(kubernetesName('redline-checkout')).toBe('redline-checkout');
    expect(kubernetesName('Redline-Checkout')).toBe('redline-checkout');
    const a = kubernetesName('redline-a b');
    const b = kubernetesName('redline-a_b');
    expect(a).toMatch(NAME);
    expect(b).toMatch(NAME);
    expect(a).not.toBe(b);
    expect(kubernetesName('🚀')).toMatch(NAME);
    expect(kubernetesName('x'.repeat(400)).length).toBeLessThanOrEqual(253);
  });

  it('makes label values valid', () => {
    for (const s of ['checkout', 'team {{ x }}', '', '-a-', 'y'.repeat(100)]) {
      const v = kubernetesLabelValue(s);
      expect(v).toMatch(LABEL);
      expect(v.length).toBeLessThanOrEqual(63);
    }
    expect(kubernetesLabelValue('checkout')).toBe('checkout');
  });
});
