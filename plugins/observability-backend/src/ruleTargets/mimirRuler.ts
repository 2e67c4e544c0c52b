import {
  diffRuleGroups,
  ruleGroupsForYaml,
  type LooseRuleGroup,
} from '@redline/backstage-plugin-observability-common';
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { OutboundError } from '../services/retry';
import { ruleFileNameFor } from '../services/RuleFiles';
import type { RequestContext } from '../telemetry/context';
import { ruleTargetKind } from './RuleTarget';

const options = z.object({
  /** The ruler's (or its gateway's) origin, e.g. `http://mimir:8080`. */
  url: z.url(),
  /** Mimir: `/prometheus/config/v1/rules`; Cortex: `/api/v1/rules`. */
  rulesPath: z
    .string()
    .regex(/^\/\S*[^/]$/, 'must start with / and not end with one')
    .default('/prometheus/config/v1/rules'),
  /** Sent as `X-Scope-OrgID`; omit when multi-tenancy is off. */
  tenant: z.string().min(1).optional(),
  /**
   * What every namespace Redline writes starts with: the marker that keeps
   * it away from namespaces another tool (or a person) owns.
   */
  namespacePrefix: z.string().min(1).default('redline-'),
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  bearerToken: z.string().min(1).optional(),
});

/**
 * The Grafana Mimir / Cortex / GEM ruler configuration API: one group per
 * `POST <rulesPath>/{namespace}` (YAML), `GET` and `DELETE` per namespace
 * and per group. Groups are written before stale ones are deleted, and each
 * request replaces one whole group, so a write stopped part-way leaves each
 * group either old or new.
 */
export const mimirRulerTarget = ruleTargetKind({
  type: 'mimir-ruler',
  options,
  create(name, config: z.infer<typeof options>, { http }) {
    const target = `mimir-ruler:${name}`;
    const base = `${config.url.replace(/\/$/, '')}${config.rulesPath}`;
    const headers = authHeaders(config);
    const namespaceFor = (entityRef: string) =>
      `${config.namespacePrefix}${ruleFileNameFor(entityRef).slice(
        'redline-'.length,
        -'.yaml'.length,
      )}`;
    const urlOf = (namespace: string, group?: string) =>
      `${base}/${encodeURIComponent(namespace)}${
        group === undefined ? '' : `/${encodeURIComponent(group)}`
      }`;

    const read = async (entityRef: string, ctx: RequestContext) => {
      const namespace = namespaceFor(entityRef);
      try {
        const answer = await http.send(
          { target, url: urlOf(namespace), headers },
          ctx,
        );
        return groupsOf(answer.text, namespace, target);
      } catch (error) {
        // The documented answer for a namespace without rule groups.
        if (error instanceof OutboundError && error.status === 404) return [];
        throw error;
      }
    };
    const deleteNamespace = async (entityRef: string, ctx: RequestContext) => {
      try {
        await http.send(
          {
            target,
            url: urlOf(namespaceFor(entityRef)),
            method: 'DELETE',
            headers,
          },
          ctx,
        );
      } catch (error) {
        if (error instanceof OutboundError && error.status === 404) return;
        throw error;
      }
    };

    return {
      name,
      type: 'mimir-ruler',
      read,
      delete: deleteNamespace,
      async write(entityRef, groups, ctx) {
        if (groups.length === 0) {
          await deleteNamespace(entityRef, ctx);
          return;
        }
        const namespace = namespaceFor(entityRef);
        const deployed = await read(entityRef, ctx);
        const diff = diffRuleGroups(groups, deployed);
        const toWrite = new Set([...diff.added, ...diff.changed]);
        for (const group of groups.filter(g => toWrite.has(g.name))) {
          await http.send(
            {
              target,
              url: urlOf(namespace),
              method: 'POST',
              headers: { ...headers, 'content-type': 'application/yaml' },
              body: stringify(ruleGroupsForYaml([group])[0]),
            },
            ctx,
          );
        }
        for (const stale of diff.removed) {
          await http.send(
            {
              target,
              url: urlOf(namespace, stale),
              method: 'DELETE',
              headers,
            },
            ctx,
          );
        }
      },
    };
  },
});

function authHeaders(config: z.infer<typeof options>): Record<string, string> {
  const headers: Record<string, string> = {};
  if (config.tenant) headers['x-scope-orgid'] = config.tenant;
  if (config.bearerToken) {
    headers.authorization = `Bearer ${config.bearerToken}`;
  } else if (config.username) {
    const pair = `${config.username}:${config.password ?? ''}`;
    headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  }
  return headers;
}

/**
 * Mimir answers a namespace `GET` with `{ <namespace>: [groups] }`; its
 * reference page shows a bare group. Both are read.
 */
function groupsOf(
  text: string,
  namespace: string,
  target: string,
): LooseRuleGroup[] {
  const malformed = () =>
    new OutboundError(`${target} answered with an unexpected shape`, {
      kind: 'bad-answer',
    });
  let answer: unknown;
  try {
    answer = parse(text);
  } catch {
    throw malformed();
  }
  let groups: unknown;
  if (answer && typeof answer === 'object' && !Array.isArray(answer)) {
    groups =
      namespace in answer
        ? (answer as Record<string, unknown>)[namespace]
        : [answer];
  }
  const parsed = z
    .array(
      z.object({
        name: z.string(),
        interval: z.union([z.string(), z.number()]).optional(),
        rules: z.array(z.looseObject({ expr: z.string() })),
      }),
    )
    .safeParse(groups);
  if (!parsed.success) throw malformed();
  return parsed.data as LooseRuleGroup[];
}
