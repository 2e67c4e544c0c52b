import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError } from '@backstage/errors';
import {
  type ApplyPreviewResponse,
  type ApplyResponse,
  diffStat,
  lineDiff,
} from '@redline/backstage-plugin-observability-common';
import type { ApplyLogStore } from '../database/ApplyLogStore';
import type { RequestContext } from '../telemetry/context';
import { errorForPeople, outcomeOf } from './applyErrors';
import type { PrometheusClient } from './PrometheusClient';
import {
  normalizeEntityRef,
  readIfExists,
  readRuleFiles,
  ruleFileNameFor,
  ruleGroupNames,
  withOwnerHeader,
  writeFileAtomically,
} from './RuleFiles';

/** What to apply. @public */
export interface ApplyRequest {
  entityRef: string;
  appliedBy: string;
  /** The instance asked for; recorded when the attempt stops before its client is known. */
  instance?: string;
  /**
   * Generates the rules (`prometheus-rules.yaml`) and picks the Prometheus.
   * Called only once the entity is known to be of a kind that can be applied.
   */
  resolve(): Promise<{ rules: string; prometheus: PrometheusClient }>;
}

/** Outcome of running promtool. @internal */
type Validation =
  | { validated: 'promtool' }
  | { validated: 'skipped'; why: string };

/** What is known of an attempt so far, for its history row if it stops. */
interface Attempt {
  instance: string;
  path: string;
  contentSha256: string;
  validated: Validation['validated'];
}

interface Written {
  changed: boolean;
  reload: ApplyResponse['reload'];
  /** Our files under another name (the naming before entity refs), removed. */
  replaced: string[];
}

/**
 * Writes an entity's rules where its Prometheus loads them, into a file of
 * its own (`redline-<kind>-<namespace>-<name>.yaml`, owner on the first
 * line): validated first (`promtool check rules` when present), refused when
 * another entity's file already defines one of its rule groups, written
 * atomically (temporary file in the same directory, then rename — Prometheus
 * never reads half a file), idempotent (identical content is not rewritten
 * nor reloaded), then Prometheus is asked to reload. Every attempt, refused
 * and failed ones included, is recorded in the apply log.
 * @public
 */
export class ArtifactApplier {
  readonly #promtoolPath: string;
  readonly #log: ApplyLogStore;
  readonly #now: () => Date;
  /**
   * The tail of the applies queued per rules directory. The ownership check
   * reads every file of the directory, so no two applies may interleave
   * between it and the write; and of N identical applies only the first
   * writes and reloads. In-process is enough while one backend process writes
   * a directory (the supported setup: Prometheus' rules directory mounted into
   * the portal). Replicas sharing one directory would need a lock in the
   * database: renames still keep each file whole, but two replicas could both
   * pass the ownership check.
   */
  readonly #queues = new Map<string, Promise<void>>();

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

  /** The rules file of an entity ref; see {@link ruleFileNameFor}. */
  static fileNameFor(entityRef: string): string {
    return ruleFileNameFor(entityRef);
  }

  async apply(
    request: ApplyRequest,
    ctx: RequestContext,
  ): Promise<ApplyResponse> {
    const attempt: Attempt = {
      instance: request.instance ?? '',
      path: '',
      contentSha256: '',
      validated: 'skipped',
    };
    let written: Written;
    try {
      written = await this.#apply(request, attempt, ctx);
    } catch (error) {
      throw await this.#recordFailure(request, attempt, error, ctx);
    }

    const appliedAt = this.#now();
    const message = describe(attempt.instance, written);
    await this.#log.record({
      entityRef: request.entityRef,
      instance: attempt.instance,
      path: attempt.path,
      changed: written.changed,
      contentSha256: attempt.contentSha256,
      validated: attempt.validated,
      reloadStatus: written.reload.status,
      reloadMessage: written.reload.message,
      outcome: written.changed ? 'applied' : 'unchanged',
      message,
      appliedBy: request.appliedBy,
      correlationId: ctx.correlationId,
      appliedAt,
    });
    return {
      entityRef: request.entityRef,
      instance: attempt.instance,
      path: attempt.path,
      changed: written.changed,
      validated: attempt.validated,
      reload: written.reload,
      appliedBy: request.appliedBy,
      appliedAt: appliedAt.toISOString(),
    };
  }

  /**
   * What {@link ArtifactApplier.apply} would change, without writing: the
   * entity's deployed rules file against the one it would write.
   */
  async preview(
    request: ApplyRequest,
    ctx: RequestContext,
  ): Promise<ApplyPreviewResponse> {
    try {
      const { target, content, prometheus } = await this.#plan(request);
      const deployed = await readIfExists(target);
      const diff = lineDiff(deployed ?? '', content);
      return {
        entityRef: request.entityRef,
        instance: prometheus.instance.name,
        fileName: path.basename(target),
        deployed: deployed !== undefined,
        changed: deployed !== content,
        diff,
        ...diffStat(diff),
      };
    } catch (error) {
      const answer = errorForPeople(error, request.instance, ctx.correlationId);
      if (answer !== error) {
        ctx.logger.error(
          `Preview of the apply of ${request.entityRef} failed`,
          error as Error,
        );
      }
      throw answer;
    }
  }

  /**
   * Where the entity's rules go and what the file will hold. `onInstance`
   * hears the instance as soon as it is known, so a refusal names it.
   */
  async #plan(
    request: ApplyRequest,
    onInstance: (name: string) => void = () => {},
  ) {
    const { kind } = parseEntityRef(request.entityRef);
    if (kind.toLocaleLowerCase('en-US') !== 'component') {
      throw new InputError(
        `Rules can only be applied for a Component (the kind that carries a service); ${request.entityRef} is of kind '${kind}'`,
      );
    }
    const { rules, prometheus } = await request.resolve();
    const instance = prometheus.instance;
    onInstance(instance.name);
    if (!instance.rulesDirectory) {
      throw new ConflictError(
        `Prometheus instance '${instance.name}' has no rulesDirectory configured (observability.prometheus.instances[].rulesDirectory), so rules cannot be applied to it`,
      );
    }
    const directory = path.resolve(instance.rulesDirectory);
    const target = path.join(directory, ruleFileNameFor(request.entityRef));
    const content = withOwnerHeader(request.entityRef, rules);
    return { rules, prometheus, directory, target, content };
  }

  async #apply(
    request: ApplyRequest,
    attempt: Attempt,
    ctx: RequestContext,
  ): Promise<Written> {
    const { rules, prometheus, directory, target, content } = await this.#plan(
      request,
      name => {
        attempt.instance = name;
      },
    );
    attempt.path = target;
    attempt.contentSha256 = createHash('sha256').update(content).digest('hex');
    attempt.validated = (await this.#validate(rules, ctx)).validated;

    return this.#serialised(directory, () =>
      this.#write(
        { request, directory, target, content, rules, prometheus },
        ctx,
      ),
    );
  }

  async #write(
    plan: {
      request: ApplyRequest;
      directory: string;
      target: string;
      content: string;
      rules: string;
      prometheus: PrometheusClient;
    },
    ctx: RequestContext,
  ): Promise<Written> {
    const { request, directory, target, content, prometheus } = plan;
    const instance = prometheus.instance.name;
    const existing = await readIfExists(target);
    const ourGroups = new Set(ruleGroupNames(plan.rules));
    const replaced: string[] = [];
    let conflict: ConflictError | undefined;
    for (const file of await readRuleFiles(directory)) {
      const filePath = path.join(directory, file.name);
      if (filePath === target) continue;
      const owner =
        file.owner ?? (await this.#log.lastWriter(instance, filePath));
      if (owner && sameEntity(owner, request.entityRef)) {
        replaced.push(file.name);
        continue;
      }
      const shared = file.groups.find(group => ourGroups.has(group));
      if (shared && !conflict) {
        conflict = collision(
          request.entityRef,
          instance,
          shared,
          owner,
          file.name,
        );
      }
    }
    if (existing === content && replaced.length === 0) {
      return {
        changed: false,
        reload: { status: 'skipped', message: 'file unchanged' },
        replaced,
      };
    }
    if (conflict) throw conflict;

    if (existing !== content) {
      await this.#writeAtomically(directory, target, content);
      ctx.logger.info(`Wrote ${target} for ${request.entityRef}`);
    }
    // After the new file is in place, so the rules are never missing; before
    // the reload, so Prometheus never loads them twice (duplicate samples).
    for (const name of replaced) {
      await fs.rm(path.join(directory, name), { force: true });
      ctx.logger.info(`Removed ${name}, replaced by ${path.basename(target)}`);
    }
    try {
      await prometheus.reload(ctx);
      return { changed: true, reload: { status: 'ok' }, replaced };
    } catch (error) {
      // The file is in place; Prometheus picks it up on its next restart or
      // reload, so this is reported rather than rolled back.
      const message = String((error as Error)?.message ?? error);
      ctx.logger.warn(`Reload of prometheus:${instance} failed: ${message}`);
      return { changed: true, reload: { status: 'failed', message }, replaced };
    }
  }

  #serialised<T>(key: string, task: () => Promise<T>): Promise<T> {
    const queued = (this.#queues.get(key) ?? Promise.resolve()).then(task);
    const settled = queued.then(
      () => undefined,
      () => undefined,
    );
    this.#queues.set(key, settled);
    void settled.then(() => {
      if (this.#queues.get(key) === settled) this.#queues.delete(key);
    });
    return queued;
  }

  /** Records a refused or failed attempt; returns the error to answer with. */
  async #recordFailure(
    request: ApplyRequest,
    attempt: Attempt,
    error: unknown,
    ctx: RequestContext,
  ): Promise<Error> {
    const answer = errorForPeople(
      error,
      attempt.instance || undefined,
      ctx.correlationId,
    );
    if (answer !== error) {
      ctx.logger.error(`Apply of ${request.entityRef} failed`, error as Error);
    }
    try {
      await this.#log.record({
        entityRef: request.entityRef,
        instance: attempt.instance,
        path: attempt.path,
        changed: false,
        contentSha256: attempt.contentSha256,
        validated: attempt.validated,
        reloadStatus: 'skipped',
        outcome: outcomeOf(answer),
        message: answer.message,
        appliedBy: request.appliedBy,
        correlationId: ctx.correlationId,
        appliedAt: this.#now(),
      });
    } catch (recordError) {
      // The caller still gets the reason the apply stopped, not this one.
      ctx.logger.error(
        `Could not record the failed apply of ${request.entityRef}`,
        recordError as Error,
      );
    }
    return answer;
  }

  async #writeAtomically(directory: string, target: string, content: string) {
    await writeFileAtomically(directory, path.basename(target), content);
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

function sameEntity(a: string, b: string): boolean {
  try {
    return normalizeEntityRef(a) === normalizeEntityRef(b);
  } catch {
    // A header that is no entity ref names nobody.
    return false;
  }
}

function collision(
  entityRef: string,
  instance: string,
  group: string,
  owner: string | undefined,
  fileName: string,
): ConflictError {
  const by = owner
    ? `by ${owner}`
    : `in ${fileName}, a file whose owner the portal does not know`;
  return new ConflictError(
    `Not applied: rule group '${group}' on Prometheus instance '${instance}' is already defined ${by}, and applying ${entityRef} would replace it. ` +
      `Give ${entityRef} a service name of its own (annotation redline.dev/service-name)${
        owner ? '' : ', or ask an operator to remove that file'
      }.`,
  );
}

function describe(instance: string, written: Written): string {
  if (!written.changed) {
    return `Rules already in place on Prometheus instance '${instance}'; nothing written, no reload.`;
  }
  const replaced = written.replaced.length
    ? ` Replaced the file written under the previous name (${written.replaced.join(
        ', ',
      )}).`
    : '';
  const reload =
    written.reload.status === 'ok'
      ? 'Prometheus reloaded them.'
      : `The reload failed (${written.reload.message}); Prometheus loads them at its next reload or restart.`;
  return `Rules written to Prometheus instance '${instance}'. ${reload}${replaced}`;
}
