/**
 * `redline generate --format openslo`: every Component's SLOs as OpenSLO v1
 * documents, one `<dir>/<service>/openslo.yaml` each, ready to be declared
 * with `redline.dev/openslo` or read by any OpenSLO tool.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  describeEntity,
  exportOpenSlo,
  Finding,
  GeneratorConfig,
  renderOpenSloYaml,
} from '@redline/backstage-plugin-observability-common';
import type { LocatedEntity } from '../catalogFiles';
import { CliIo, messageOf } from '../io';

/** The file written per service. */
export const OPENSLO_FILE = 'openslo.yaml';

/** Writes the OpenSLO documents; returns the process exit code. */
export function generateOpenSlo(options: {
  components: readonly LocatedEntity[];
  config: GeneratorConfig;
  outDir: string;
  folderOf: (service: string, entityRef: string) => string;
  io: CliIo;
  quiet: boolean;
  formatFinding: (finding: Finding) => string;
}): number {
  const { components, config, outDir, io, quiet } = options;
  let written = 0;
  let failed = 0;
  for (const { entity, source } of components) {
    try {
      const { spec, findings } = describeEntity(entity, config);
      const shown = (list: readonly Finding[]) =>
        (quiet ? list.filter(f => f.severity === 'error') : list).map(
          options.formatFinding,
        );
      if (spec.slos.length === 0) {
        if (!quiet)
          io.out(`- ${spec.entityRef}: no SLO declared, nothing written`);
        continue;
      }
      const exported = exportOpenSlo(spec);
      const folder = join(
        outDir,
        options.folderOf(spec.serviceName.value, spec.entityRef),
      );
      mkdirSync(folder, { recursive: true });
      const file = join(folder, OPENSLO_FILE);
      writeFileSync(file, renderOpenSloYaml(exported.documents));
      written += 1;
      io.out(
        `✓ ${spec.entityRef} → ${file} (${spec.slos.length} SLOs, ${exported.documents.length} documents)`,
      );
      const sloFindings = findings.filter(
        f => f.id.startsWith('slo.') || f.id.startsWith('openslo.'),
      );
      for (const line of shown([...sloFindings, ...exported.findings]))
        io.out(line);
    } catch (error) {
      failed += 1;
      io.err(`error: ${source}: ${entity.metadata.name}: ${messageOf(error)}`);
    }
  }
  io.out(
    `${written} of ${components.length} components exported as OpenSLO into ${outDir}.`,
  );
  return failed > 0 ? 1 : 0;
}
