/**
 * Done-when of the OpenSLO import: every demo entity with an SLO, exported
 * as OpenSLO and declared through `redline.dev/openslo` instead of the
 * `redline.dev/slo-*` annotations, generates the same files byte for byte.
 */
import type { Entity } from '@backstage/catalog-model';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describeEntity } from '../describe/describeEntity';
import { ANNOTATIONS } from '../spec/annotations';
import { resolveGeneratorConfig } from '../spec/config';
import { exportOpenSlo, renderOpenSloYaml } from './exportOpenSlo';
import { OPENSLO_ANNOTATION, parseOpenSloDocuments } from './parseDocuments';

const COMPONENTS_DIR = resolve(__dirname, '../../../../catalog/components');
const SLO_KEYS: readonly string[] = [
  ANNOTATIONS.sloAvailability,
  ANNOTATIONS.sloLatency,
  ANNOTATIONS.sloWindow,
];
const config = resolveGeneratorConfig({
  portalBaseUrl: 'https://portal.example.com',
});

function demoEntitiesWithSlos(): Entity[] {
  return readdirSync(COMPONENTS_DIR)
    .filter(f => f.endsWith('.yaml'))
    .flatMap(f =>
      parseAllDocuments(readFileSync(join(COMPONENTS_DIR, f), 'utf8')).map(
        d => d.toJS() as Entity,
      ),
    )
    .filter(
      e =>
        e?.kind === 'Component' &&
        describeEntity(e, config).spec.slos.length > 0,
    );
}

/** The entity with its slo-* annotations replaced by `redline.dev/openslo`. */
function declaredAsOpenSlo(entity: Entity, openSlo: string): Entity {
  const annotations = Object.fromEntries(
    Object.entries(entity.metadata.annotations ?? {}).filter(
      ([key]) => !SLO_KEYS.includes(key),
    ),
  );
  return {
    ...entity,
    metadata: {
      ...entity.metadata,
      annotations: { ...annotations, [OPENSLO_ANNOTATION]: openSlo },
    },
  };
}

const entities = demoEntitiesWithSlos();

describe('OpenSLO round trip over the demo catalog', () => {
  it('finds the demo entities that declare SLOs', () => {
    expect(entities.length).toBeGreaterThanOrEqual(10);
  });

  it.each(entities.map(e => [e.metadata.name, e] as const))(
    '%s: export, import, same files byte for byte',
    (_name, entity) => {
      const before = describeEntity(entity, config);
      const exported = exportOpenSlo(before.spec);
      expect(exported.findings).toEqual([]);
      const yaml = renderOpenSloYaml(exported.documents);
      // What was exported is valid OpenSLO v1.
      expect(parseOpenSloDocuments(yaml).findings).toEqual([]);

      const after = describeEntity(declaredAsOpenSlo(entity, yaml), config);
      // The same SLO findings (a latency threshold off its bucket), now naming the OpenSLO annotation.
      const sloFindings = (d: typeof before, keys: readonly string[]) =>
        d.findings
          .filter(f => f.annotation && keys.includes(f.annotation))
          .map(f => [f.id, f.severity, f.message]);
      expect(sloFindings(after, [OPENSLO_ANNOTATION])).toEqual(
        sloFindings(before, SLO_KEYS),
      );
      expect(after.spec.slos.map(s => ({ ...s, annotation: '' }))).toEqual(
        before.spec.slos.map(s => ({ ...s, annotation: '' })),
      );
      const files = (d: typeof before) =>
        Object.fromEntries(d.artifacts.files.map(f => [f.path, f.content]));
      const beforeFiles = files(before);
      const afterFiles = files(after);
      expect(Object.keys(afterFiles)).toEqual(Object.keys(beforeFiles));
      expect(afterFiles['prometheus-rules.yaml']).toBe(
        beforeFiles['prometheus-rules.yaml'],
      );
      for (const path of Object.keys(beforeFiles)) {
        expect([path, afterFiles[path]]).toEqual([path, beforeFiles[path]]);
      }
    },
  );
});
