import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
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
import { validateWithPromtool, type Validation } from './promtool';
import {
  normalizeEntityRef,
  readIfExists,
  readRuleFiles,
  ruleFileNameFor,
  ruleGroupNames,
  withOwnerHeader,
  writeFileAtomically,
} from './RuleFiles';
import {
  checkTargetHolds,
  locationIn,
  previewThroughTarget,
  ruleFileOf,
  targetErrorForPeople,
  writeThroughTarget,
  type TargetApply,
} from './targetApply';

/** What to apply. @public */
export interface ApplyRequest {
  entityRef: string;
  appliedBy: string;
  /** The instance or target asked for; recorded when the attempt stops before its client is known. */
  instance?: string;
  /**
   * Generates the rules and picks where they go: the rules file
   * (`prometheus-rules.yaml`) for a Prometheus' rules directory, or the
   * groups it holds for a rule target the entity or the request named.
   * Called only once the entity is known to be of a kind that can be applied.
   */
  resolve(): Promise<ResolvedApply>;
}

/** Where an apply goes, and what it writes there. @public */
export type ResolvedApply =
  | { rules: string; prometheus: PrometheusClient }
  | Omit<TargetApply, 'entityRef'>;

/** What is known of an attempt so far, for its history row if it stops. */
interface Attempt {
  instance: string;
  /** Set once the apply is known to go through a rule target. */
  target?: string;
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
 * and failed ones included, is recorded in the apply log. An entity that
 * chose a rule target (or a request naming one) has its groups written
 * through that target instead (see `targetApply.ts`), checked by promtool
 * all the same and recorded alike.
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
    const message = describe(where(attempt), written);
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
      ...(attempt.target ? { target: attempt.target } : {}),
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
      const resolved = await this.#resolve(request);
      if ('target' in resolved) {
        const plan = { ...resolved, entityRef: request.entityRef };
        checkTargetHolds(plan);
        return await previewThroughTarget(plan, ctx).catch(error => {
          throw targetErrorForPeople(error, plan.target);
        });
      }
      const { target, content, prometheus } = this.#filePlan(request, resolved);
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

  /** Where the entity's rules go, once its kind is known to take rules. */
  async #resolve(request: ApplyRequest): Promise<ResolvedApply> {
    const { kind } = parseEntityRef(request.entityRef);
    if (kind.toLocaleLowerCase('en-US') !== 'component') {
      throw new InputError(
        `Rules can only be applied for a Component (the kind that carries a service); ${request.entityRef} is of kind '${kind}'`,
      );
    }
    return request.resolve();
  }

  /**
   * The entity's rules file in its Prometheus' rules directory and what it
   * will hold. `onInstance` hears the instance as soon as it is known, so a
   * refusal names it.
   */
  #filePlan(
    request: ApplyRequest,
    resolved: { rules: string; prometheus: PrometheusClient },
    onInstance: (name: string) => void = () => {},
  ) {
    const { rules, prometheus } = resolved;
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
    const resolved = await this.#resolve(request);
    if ('target' in resolved) {
      return this.#applyThroughTarget(
        { ...resolved, entityRef: request.entityRef },
        attempt,
        ctx,
      );
    }
    const { rules, prometheus, directory, target, content } = this.#filePlan(
      request,
      resolved,
      name => {
        attempt.instance = name;
      },
    );
    attempt.path = target;
    attempt.contentSha256 = sha256(content);
    attempt.validated = (await this.#validate(rules, ctx)).validated;

    return this.#serialised(directory, () =>
      this.#write(
        { request, directory, target, content, rules, prometheus },
        ctx,
      ),
    );
  }

  /**
   * The entity's groups written through the rule target it chose, checked
   * by promtool as the rules file they render to. Applies to one namespace
   * of one target are serialised as those to one directory are.
   */
  async #applyThroughTarget(
    plan: TargetApply,
    attempt: Attempt,
    ctx: RequestContext,
  ): Promise<Written> {
    const { target } = plan;
    attempt.instance = target.name;
    attempt.target = target.name;
    attempt.path = locationIn(plan);
    checkTargetHolds(plan);
    const rules = ruleFileOf(plan);
    attempt.contentSha256 = sha256(rules);
    attempt.validated = (await this.#validate(rules, ctx)).validated;
    try {
      const written = await this.#serialised(
        `target\u0000${target.name}\u0000${plan.entityRef}`,
        () => writeThroughTarget(plan, ctx),
      );
      return { ...written, replaced: [] };
    } catch (error) {
      throw targetErrorForPeople(error, target);
    }
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
      attempt.target ? undefined : attempt.instance || undefined,
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

  #validate(rules: string, ctx: RequestContext): Promise<Validation> {
    return validateWithPromtool(this.#promtoolPath, rules, ctx);
  }
}

function sha256(content: string): string {
  return createHash('sha256').update(content).digest('hex');
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

/** Where an attempt went and what loads it, as its history message names them. */
function where(attempt: Attempt): { destination: string; engine: string } {
  return attempt.target
    ? { destination: `rule target '${attempt.target}'`, engine: 'The engine' }
    : {
        destination: `Prometheus instance '${attempt.instance}'`,
        engine: 'Prometheus',
      };
}

function describe(
  { destination, engine }: { destination: string; engine: string },
  written: Written,
): string {
  if (!written.changed) {
    return `Rules already in place on ${destination}; nothing written, no reload.`;
  }
  const replaced = written.replaced.length
    ? ` Replaced the file written under the previous name (${written.replaced.join(
        ', ',
      )}).`
    : '';
  const reload = {
    ok: ` ${engine} reloaded them.`,
    failed: ` The reload failed (${written.reload.message}); ${engine} loads them at its next reload or restart.`,
    skipped: written.reload.message
      ? ` No reload: ${written.reload.message}.`
      : '',
  }[written.reload.status];
  return `Rules written to ${destination}.${reload}${replaced}`;
}
