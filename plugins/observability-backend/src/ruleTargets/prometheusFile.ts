import { z } from 'zod';
import type { RequestContext } from '../telemetry/context';
import { fileWrite, RuleFileNamespaces } from './ruleFileNamespace';
import { ruleTargetKind } from './RuleTarget';

/**
 * What Apply does, as a target: a rule file per entity in a Prometheus'
 * rules directory, then `POST /-/reload` (Prometheus needs
 * `--web.enable-lifecycle`). What is deployed is what the file holds.
 */
export const prometheusFileTarget = ruleTargetKind({
  type: 'prometheus-file',
  options: z.object({
    rulesDirectory: z.string().min(1),
    url: z.url(),
  }),
  create(name, options, { http }) {
    const files = new RuleFileNamespaces(options.rulesDirectory);
    const reload = async (ctx: RequestContext) => {
      await http.send(
        {
          target: `prometheus-file:${name}`,
          url: `${options.url.replace(/\/$/, '')}/-/reload`,
          method: 'POST',
        },
        ctx,
      );
      return { changed: true, requests: 1, bytes: 0 };
    };
    return {
      name,
      type: 'prometheus-file',
      write: async (namespace, groups, ctx, writeOptions) =>
        fileWrite(
          await files.replace(namespace, groups),
          reload,
          ctx,
          writeOptions,
        ),
      read: async namespace => files.read(namespace),
      delete: async (namespace, ctx, writeOptions) =>
        fileWrite(
          { changed: await files.delete(namespace), bytes: 0 },
          reload,
          ctx,
          writeOptions,
        ),
      list: async (_ctx, listOptions) => files.list(listOptions),
      reload,
    };
  },
});
