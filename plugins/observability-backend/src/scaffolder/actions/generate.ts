import fs from 'node:fs/promises';
import path from 'node:path';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  annotationSnippet,
  describeEntity,
  GeneratorConfig,
} from '@redline/backstage-plugin-observability-common';
import { withAnnotations } from '../../services/withAnnotations';
import { entityOfInput, entityRefInput, stepExample } from './entityInput';

/** Id of the action, as templates reference it. @public */
export const GENERATE_ACTION_ID = 'redline:observability:generate';

/**
 * What a proposal may add: the tab proposes SLOs and the thresholds tuned
 * with the backtest, and a template that could set any annotation would let
 * a link rewrite the entity's routing or ownership behind a "propose" button.
 */
const PROPOSABLE_ANNOTATION =
  /^redline\.dev\/(?:slo-[a-z-]+|error-rate-threshold|latency-p99-threshold|rate-drop-threshold)$/;

/** Name of the file that carries the proposed annotations in the pull request. */
export const PROPOSED_ANNOTATIONS_FILE = 'proposed-annotations.yaml';

/**
 * `redline:observability:generate`: writes an entity's generated artifacts
 * (rules, Alertmanager routing, dashboard, runbooks, …) into the scaffolder
 * workspace, byte-identical to what the CLI and the download routes produce,
 * so a following `publish:*:pull-request` step can propose them.
 * @public
 */
export function createGenerateObservabilityAction(options: {
  catalog: CatalogService;
  generator: GeneratorConfig;
}) {
  const { catalog, generator } = options;
  return createTemplateAction({
    id: GENERATE_ACTION_ID,
    description:
      "Writes an entity's generated observability artifacts (Prometheus rules, Alertmanager routing, Grafana dashboard, runbooks) into the workspace",
    examples: [
      {
        description: 'Generate into observability/<service> for a pull request',
        example: stepExample('generate', GENERATE_ACTION_ID, {
          targetPath: 'observability',
        }),
      },
    ],
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: entityRefInput('Entity to generate for'),
        targetPath: z =>
          z
            .string()
            .optional()
            .describe(
              'Folder inside the workspace; files go to <targetPath>/<service>/. Default: observability',
            ),
        artifacts: z =>
          z
            .array(z.string())
            .optional()
            .describe(
              'Ids of the files to write (e.g. prometheus-rules, runbook:HighErrorRate), as ticked in the Scaffold alerts dialog; absent or empty: every file',
            ),
        proposedAnnotations: z =>
          z
            .record(z.string(), z.string())
            .optional()
            .describe(
              `SLO and threshold annotations to propose with the files (redline.dev/slo-* and the error-rate, latency-p99 and rate-drop thresholds only), e.g. an SLO the Observability tab suggested: the files are generated as if they were set, and ${PROPOSED_ANNOTATIONS_FILE} holds the lines to add to catalog-info.yaml`,
            ),
      },
      output: {
        serviceName: z =>
          z.string().describe('Service name the artifacts were generated for'),
        directory: z =>
          z
            .string()
            .describe('Workspace-relative folder the files were written to'),
        files: z =>
          z.array(z.string()).describe('Workspace-relative paths written'),
        findings: z =>
          z
            .number()
            .describe('Number of findings (invalid or missing metadata)'),
        proposedAnnotations: z =>
          z
            .number()
            .describe(
              `Number of proposed annotations written to ${PROPOSED_ANNOTATIONS_FILE} (0: none)`,
            ),
      },
    },
    async handler(ctx) {
      const { entity } = await entityOfInput(ctx.input, ctx, catalog);
      const proposed = ctx.input.proposedAnnotations ?? {};
      const refused = Object.keys(proposed).filter(
        key => !PROPOSABLE_ANNOTATION.test(key),
      );
      if (refused.length > 0) {
        throw new InputError(
          `Invalid input proposedAnnotations: only redline.dev/slo-* and threshold annotations can be proposed, got ${refused
            .slice(0, 5)
            .map(key => JSON.stringify(key.slice(0, 100)))
            .join(', ')}`,
        );
      }
      const proposing = Object.keys(proposed).length > 0;
      const { artifacts, findings } = describeEntity(
        proposing ? withAnnotations(entity, proposed) : entity,
        generator,
      );
      const service = artifacts.serviceName;
      if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(service)) {
        throw new InputError(
          `Service name '${service}' cannot be used as a folder name`,
        );
      }

      const relativeDirectory = path.posix.join(
        ctx.input.targetPath ?? 'observability',
        service,
      );
      let directory: string;
      try {
        directory = resolveSafeChildPath(ctx.workspacePath, relativeDirectory);
      } catch {
        throw new InputError(
          `Invalid input targetPath: must not point outside the workspace, got ${JSON.stringify(
            String(ctx.input.targetPath).slice(0, 200),
          )}`,
        );
      }
      const chosen = ctx.input.artifacts ?? [];
      const available = new Set(artifacts.files.map(file => file.id));
      chosen.forEach((id, index) => {
        if (!available.has(id)) {
          throw new InputError(
            `Invalid input artifacts[${index}]: ${
              ctx.input.entityRef
            } has no file ${JSON.stringify(
              String(id).slice(0, 100),
            )} (available: ${[...available].join(', ')})`,
          );
        }
      });
      const files = artifacts.files
        .filter(file => chosen.length === 0 || chosen.includes(file.id))
        .map(file => ({
          path: file.path,
          content: file.content,
        }));
      if (proposing) {
        files.push({
          path: PROPOSED_ANNOTATIONS_FILE,
          content: `# Add these lines to the catalog-info.yaml of ${
            ctx.input.entityRef
          }: the files beside this one\n# were generated as if they were already set.\n${annotationSnippet(
            proposed,
          )}\n`,
        });
      }
      const written: string[] = [];
      for (const file of files) {
        const destination = resolveSafeChildPath(directory, file.path);
        written.push(path.posix.join(relativeDirectory, file.path));
        if (ctx.isDryRun) continue;
        await fs.mkdir(path.dirname(destination), { recursive: true });
        await fs.writeFile(destination, file.content, 'utf8');
      }
      ctx.logger.info(
        `${ctx.isDryRun ? 'Would write' : 'Wrote'} ${
          written.length
        } files for ${ctx.input.entityRef} into ${relativeDirectory} (${
          findings.length
        } findings)`,
      );
      for (const finding of findings) {
        ctx.logger.warn(`${finding.id}: ${finding.message}`);
      }
      ctx.output('serviceName', service);
      ctx.output('directory', relativeDirectory);
      ctx.output('files', written);
      ctx.output('findings', findings.length);
      ctx.output('proposedAnnotations', Object.keys(proposed).length);
    },
  });
}
