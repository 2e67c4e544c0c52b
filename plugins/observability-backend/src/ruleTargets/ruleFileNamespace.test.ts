import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RuleGroup } from '@redline/backstage-plugin-observability-common';
import { ruleFileNameFor, withOwnerHeader } from '../services/RuleFiles';
import { RuleFileNamespaces } from './ruleFileNamespace';

const red: RuleGroup = {
  name: 'checkout-red',
  rules: [{ record: 'job:errors:rate5m', expr: 'sum(rate(errors[5m]))' }],
};

describe('RuleFileNamespaces.list', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'redline-namespaces-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('lists an empty list for a directory that does not exist yet', async () => {
    expect(
      await new RuleFileNamespaces(join(directory, 'missing')).list(),
    ).toEqual([]);
  });

  it('lists the files Redline wrote, readable and hashed names alike, with their groups', async () => {
    const files = new RuleFileNamespaces(directory);
    // A namespace with `-` gets the hashed file name.
    const refs = ['component:default/checkout', 'component:my-team/billing'];
    for (const ref of refs)
      expect(await files.write(ref, [red])).toBeGreaterThan(0);
    expect(ruleFileNameFor(refs[1])).toMatch(/--[0-9a-f]{16}\.yaml$/);

    const listed = await files.list();
    expect(listed.map(n => n.entityRef).sort()).toEqual(refs);
    for (const namespace of listed)
      expect(namespace.groups).toEqual([
        { name: 'checkout-red', rules: [red.rules[0]] },
      ]);
  });

  it('leaves out files it did not write: no header, another name, a header naming another entity', async () => {
    const files = new RuleFileNamespaces(directory);
    await files.write('component:default/checkout', [red]);
    const body =
      'groups:\n  - name: theirs\n    rules:\n      - record: x\n        expr: vector(1)\n';
    writeFileSync(
      join(directory, ruleFileNameFor('component:default/a')),
      body,
    );
    writeFileSync(
      join(directory, ruleFileNameFor('component:default/b')),
      withOwnerHeader('component:default/c', body),
    );
    writeFileSync(
      join(directory, 'other.yaml'),
      withOwnerHeader('component:default/d', body),
    );
    writeFileSync(join(directory, '.redline-x.yaml.abc.tmp'), body);

    expect((await files.list()).map(n => n.entityRef)).toEqual([
      'component:default/checkout',
    ]);
    expect(readdirSync(directory)).toHaveLength(5);
  });

  it('lists a file as its declared groups when it is exactly what they render to, else as parsed', async () => {
    const files = new RuleFileNamespaces(directory);
    const ref = 'component:default/checkout';
    await files.write(ref, [red]);
    const same: RuleGroup = { ...red, rules: [...red.rules] };
    const [unchanged] = await files.list({
      declared: new Map([[ref, [same]]]),
    });
    expect(unchanged.groups[0]).toBe(same);

    const edited: RuleGroup = { ...red, interval: '30s' };
    const [changed] = await files.list({
      declared: new Map([[ref, [edited]]]),
    });
    expect(changed.groups).toEqual([
      { name: 'checkout-red', rules: [red.rules[0]] },
    ]);
  });

  it('reports bytes written, and none when the file already holds the groups', async () => {
    const files = new RuleFileNamespaces(directory);
    expect(await files.replace('component:default/checkout', [red])).toEqual({
      changed: true,
      bytes: expect.any(Number),
    });
    expect(await files.replace('component:default/checkout', [red])).toEqual({
      changed: false,
      bytes: 0,
    });
    expect(await files.replace('component:default/checkout', [])).toEqual({
      changed: true,
      bytes: 0,
    });
    expect(await files.list()).toEqual([]);
  });
});
