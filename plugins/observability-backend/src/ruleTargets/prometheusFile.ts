import { z } from 'zod';
import { fileTargetOperations, RuleFileNamespaces } from './ruleFileNamespace';
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
    return {
      name,
      type: 'prometheus-file',
      ...fileTargetOperations(files, http, {
        target: `prometheus-file:${name}`,
        url: options.url,
      }),
      read: async namespace => files.read(namespace),
    };
  },
});
