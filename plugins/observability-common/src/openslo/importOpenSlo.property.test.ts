/**
 * Whatever a team writes into `redline.dev/openslo`, reading it never
 * throws and every finding points at the annotation: documents built from a
 * valid export with fields replaced by arbitrary values, and arbitrary text.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { parseSpec } from '../spec/parseSpec';
import { resolveGeneratorConfig } from '../spec/config';
import { exportOpenSlo } from './exportOpenSlo';
import { OPENSLO_ANNOTATION } from './parseDocuments';

const config = resolveGeneratorConfig();

function entityWith(openSlo: string) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'checkout',
      annotations: { [OPENSLO_ANNOTATION]: openSlo },
    },
    spec: { type: 'service', owner: 'payments' },
  };
}

const exported = exportOpenSlo(
  parseSpec(
    {
      ...entityWith(''),
      metadata: {
        name: 'checkout',
        annotations: {
          'redline.dev/slo-availability': '99.9',
          'redline.dev/slo-latency': '99% < 300ms',
        },
      },
    },
    config,
  ).spec,
).documents;

/** Every path to a leaf or object of a document. */
function pathsOf(
  value: unknown,
  prefix: Array<string | number> = [],
): Array<Array<string | number>> {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value)
    ? value.map((v, i) => [i, v] as const)
    : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
}

function setAt(
  doc: unknown,
  path: Array<string | number>,
  value: unknown,
): unknown {
  if (path.length === 0) return value;
  const copy: any = Array.isArray(doc) ? [...doc] : { ...(doc as object) };
  copy[path[0]] = setAt(copy[path[0]], path.slice(1), value);
  return copy;
}

const anyValue = fc.oneof(
  fc.string(),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(
    '1M',
    '1w',
    '0m',
    'Timeslices',
    'gt',
    'burnrate',
    'Prometheus',
    'sum(x{le="0.3"})',
  ),
  fc.array(fc.string(), { maxLength: 2 }),
  fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }),
);

function assertReadable(text: string) {
  const { spec, findings } = parseSpec(entityWith(text), config);
  for (const slo of spec.slos) {
    expect(slo.objectivePercent).toBeGreaterThan(0);
    expect(slo.objectivePercent).toBeLessThan(100);
  }
  for (const f of findings.filter(x => x.id.startsWith('openslo.')))
    expect(f.annotation).toBe(OPENSLO_ANNOTATION);
}

describe('redline.dev/openslo, properties', () => {
  it('never throws for documents with any field replaced', () => {
    expect.hasAssertions();
    const targets = exported.flatMap((doc, index) =>
      pathsOf(doc).map(path => ({ index, path })),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...targets),
        anyValue,
        ({ index, path }, value) => {
          const docs = exported.map((d, i) =>
            i === index ? setAt(d, path, value) : d,
          );
          assertReadable(docs.map(d => stringify(d)).join('---\n'));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('never throws for arbitrary text', () => {
    expect.hasAssertions();
    fc.assert(
      fc.property(fc.string(), text =>
        assertReadable(`apiVersion: openslo/v1\n${text}`),
      ),
      { numRuns: 60 },
    );
  });
});
