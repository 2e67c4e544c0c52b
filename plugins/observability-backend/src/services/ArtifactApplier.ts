import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ConflictError, InputError } from '@backstage/errors';
import type { ApplyResponse } from '@redline/backstage-plugin-observability-common';
import type { ApplyLogStore } from '../database/ApplyLogStore';
import type { RequestContext } from '../telemetry/context';
import type { PrometheusClient } from './PrometheusClient';

/** What to apply. @public */
export interface ApplyRequest {
  entityRef: string;
  serviceName: string;
  /** The generated `prometheus-rules.yaml` content. */
  rules: string;
  prometheus: PrometheusClient;
  appliedBy: string;
}

/** Outcome of running promtool. @internal */
type Validation =
  | { validated: 'promtool' }
  | { validated: 'skipped'; why: string };

/**
 * Writes an entity's rules where its Prometheus loads them: validated first
 * (`promtool check rules` when present), written atomically (temporary file
 * in the same directory, then rename — Prometheus never reads half a file),
 * idempotent (identical content is not rewritten nor reloaded), then
 * Prometheus is asked to reload, and the apply is recorded.
 * @public
 */
export class ArtifactApplier {
  readonly #promtoolPath: string;
  readonly #log: ApplyLogStore;
  readonly #now: () => Date;

  static create(options: {
    promtoolPath: string;
    log: ApplyLogStore;
    now?: () => Date;
  }) {
    return new ArtifactApplier(options);
  }

  private constructor(options: {
    promtoolPath: string;
    log: ApplyLogStore;
    now?: () => Date;
  }) {
    this.#promtoolPath = options.promtoolPath;
    this.#log = options.log;
    this.#now = options.now ?? (() => new Date());
  }

  /** `redline-<service>.yaml`, reduced to characters that cannot leave the directory. */
  static fileNameFor(serviceName: string): string {
    const safe = serviceName
      .replace(/[^A-Za-z0-9_.-]/g, '_')
      .replace(/^\.+/, '_');
    return `redline-${safe || 'service'}.yaml`;
  }

  async apply(
    request: ApplyRequest,
    ctx: RequestContext,
  ): Promise<ApplyResponse> {
    const instance = request.prometheus.instance;
    if (!instance.rulesDirectory) {
      throw new ConflictError(
        `Prometheus instance '${instance.name}' has no rulesDirectory configured (observability.prometheus.instances[].rulesDirectory), so rules cannot be applied to it`,
      );
    }
    const directory = path.resolve(instance.rulesDirectory);
    const target = path.join(
      directory,
      ArtifactApplier.fileNameFor(request.serviceName),
    );
    const validation = await this.#validate(request.rules, ctx);

    const existing = await fs.readFile(target, 'utf8').catch(error => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    const changed = existing !== request.rules;
    let reload: ApplyResponse['reload'] = {
      status: 'skipped',
      message: 'file unchanged',
    };

    if (changed) {
      await this.#writeAtomically(directory, target, request.rules);
      ctx.logger.info(`Wrote ${target} for ${request.entityRef}`);
      try {
        await request.prometheus.reload(ctx);
        reload = { status: 'ok' };
      } catch (error) {
        // The file is in place; Prometheus picks it up on its next restart or
        // reload, so this is reported rather than rolled back.
        reload = {
          status: 'failed',
          message: String((error as Error)?.message ?? error),
        };
        ctx.logger.warn(
          `Reload of prometheus:${instance.name} failed: ${reload.message}`,
        );
      }
    }

    const appliedAt = this.#now();
    await this.#log.record({
      entityRef: request.entityRef,
      instance: instance.name,
      path: target,
      changed,
      contentSha256: createHash('sha256').update(request.rules).digest('hex'),
      validated: validation.validated,
      reloadStatus: reload.status,
      reloadMessage: reload.message,
      appliedBy: request.appliedBy,
      correlationId: ctx.correlationId,
      appliedAt,
    });

    return {
      entityRef: request.entityRef,
      instance: instance.name,
      path: target,
      changed,
      validated: validation.validated,
      reload,
      appliedBy: request.appliedBy,
      appliedAt: appliedAt.toISOString(),
    };
  }

  async #writeAtomically(directory: string, target: string, content: string) {
    await fs.mkdir(directory, { recursive: true });
    // Same directory as the target, so rename is atomic (same file system);
    // the dot prefix and .tmp suffix keep it out of a `*.yaml` rule_files glob.
    const temporary = path.join(
      directory,
      `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`,
    );
    try {
      await fs.writeFile(temporary, content, { encoding: 'utf8', mode: 0o644 });
      await fs.rename(temporary, target);
    } catch (error) {
      await fs.rm(temporary, { force: true });
      throw error;
    }
  }

  async #validate(rules: string, ctx: RequestContext): Promise<Validation> {
    const directory = await fs.mkdtemp(
      path.join(os.tmpdir(), 'redline-apply-'),
    );
    const file = path.join(directory, 'rules.yaml');
    try {
      await fs.writeFile(file, rules, 'utf8');
      const result = await run(this.#promtoolPath, ['check', 'rules', file]);
      if (result.missing) {
        ctx.logger.warn(
          `promtool not found at '${
            this.#promtoolPath
          }'; applying without validation`,
        );
        return { validated: 'skipped', why: 'promtool not found' };
      }
      if (result.code !== 0) {
        throw new InputError(
          `Generated rules failed promtool validation: ${(
            result.stderr || result.stdout
          )
            .replaceAll(file, 'rules.yaml')
            .trim()}`,
        );
      }
      return { validated: 'promtool' };
    } finally {
      await fs.rm(directory, { recursive: true, force: true });
    }
  }
}

function run(
  command: string,
  args: string[],
): Promise<{
  code: number;
  stdout: string;
  stderr: string;
  missing?: boolean;
}> {
  return new Promise(resolve => {
    execFile(command, args, { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        resolve({ code: -1, stdout: '', stderr: '', missing: true });
        return;
      }
      let code = 0;
      if (error) code = typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}
