import { z } from 'zod';
import type { RequestContext } from '../telemetry/context';
import { RuleFileNamespaces } from './ruleFileNamespace';
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
    };
    return {
      name,
      type: 'prometheus-file',
      async write(namespace, groups, ctx) {
        if (await files.replace(namespace, groups)) await reload(ctx);
      },
      read: async namespace => files.read(namespace),
      async delete(namespace, ctx) {
        if (await files.delete(namespace)) await reload(ctx);
      },
    };
  },
});
