import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseOpenSloDocuments } from '@redline/backstage-plugin-observability-common';
import { generateCommand } from './generate';
import type { CliIo } from '../io';

function recorder(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: l => stdout.push(l), err: l => stderr.push(l) };
}

function component(name: string, annotations: Record<string, string>): string {
  const lines = Object.entries(annotations).map(
    ([k, v]) => `    ${k}: ${JSON.stringify(v)}`,
  );
  return [
    'apiVersion: backstage.io/v1alpha1',
    'kind: Component',
    'metadata:',
    `  name: ${name}`,
    '  annotations:',
    ...lines,
    'spec:',
    '  type: service',
    '  lifecycle: production',
    '  owner: payments',
    '',
  ].join('\n');
}

describe('redline generate --format openslo', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'redline-openslo-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('exports each SLO-bearing Component, and the file drives the same rules', async () => {
    const slos = {
      'redline.dev/slo-availability': '99.9',
      'redline.dev/slo-latency': '99% < 300ms',
      'redline.dev/slo-window': '28d',
    };
    mkdirSync(join(dir, 'a'));
    writeFileSync(
      join(dir, 'a', 'catalog-info.yaml'),
      `${component('checkout', slos)}---\n${component('cart', {})}`,
    );
    const io = recorder();
    expect(
      await generateCommand(
        [join(dir, 'a'), '-o', join(dir, 'openslo'), '--format', 'openslo'],
        io,
      ),
    ).toBe(0);
    const yaml = readFileSync(
      join(dir, 'openslo', 'checkout', 'openslo.yaml'),
      'utf8',
    );
    const parsed = parseOpenSloDocuments(yaml);
    expect(parsed.findings).toEqual([]);
    expect(parsed.documents.filter(d => d.kind === 'SLO')).toHaveLength(2);
    expect(io.stdout.join('\n')).toContain(
      'cart: no SLO declared, nothing written',
    );
    expect(io.stdout.join('\n')).toContain(
      '1 of 2 components exported as OpenSLO',
    );

    // The same service declared through a file beside its catalog-info.yaml.
    mkdirSync(join(dir, 'b'));
    writeFileSync(join(dir, 'b', 'openslo.yaml'), yaml);
    writeFileSync(
      join(dir, 'b', 'catalog-info.yaml'),
      component('checkout', { 'redline.dev/openslo': './openslo.yaml' }),
    );
    writeFileSync(
      join(dir, 'a', 'catalog-info.yaml'),
      component('checkout', slos),
    );
    for (const from of ['a', 'b'])
      expect(
        await generateCommand(
          [join(dir, from), '-o', join(dir, `out-${from}`), '-q'],
          recorder(),
        ),
      ).toBe(0);
    const rules = (from: string) =>
      readFileSync(
        join(dir, `out-${from}`, 'checkout', 'prometheus-rules.yaml'),
        'utf8',
      );
    expect(rules('b')).toBe(rules('a'));
    expect(rules('b')).toContain('slo:sli_error:ratio_rate28d');
  });

  it('stops before writing when the referenced file is missing', async () => {
    writeFileSync(
      join(dir, 'catalog-info.yaml'),
      component('checkout', { 'redline.dev/openslo': 'missing.yaml' }),
    );
    const io = recorder();
    expect(await generateCommand([dir, '-o', join(dir, 'out')], io)).toBe(1);
    expect(io.stderr.join('\n')).toContain(
      'redline.dev/openslo missing.yaml cannot be read',
    );
  });

  it('refuses an unknown format, naming the option', async () => {
    writeFileSync(join(dir, 'catalog-info.yaml'), component('checkout', {}));
    const io = recorder();
    expect(
      await generateCommand(
        [dir, '-o', join(dir, 'out'), '--format', 'sloth'],
        io,
      ),
    ).toBe(2);
    expect(io.stderr.join('\n')).toContain(
      '--format must be artifacts or openslo',
    );
  });
});
