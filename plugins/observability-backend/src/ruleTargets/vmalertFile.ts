import path from 'node:path';
import type { LooseRuleGroup } from '@redline/backstage-plugin-observability-common';
import { z } from 'zod';
import { fileTargetOperations, RuleFileNamespaces } from './ruleFileNamespace';
import { ruleTargetKind } from './RuleTarget';

/** vmalert's Prometheus-compatible `GET /api/v1/rules`, the parts compared. */
const rulesAnswer = z.object({
  data: z.object({
    groups: z.array(
      z.object({
        name: z.string(),
        file: z.string(),
        interval: z.number().optional(),
        rules: z.array(
          z.object({
            name: z.string(),
            query: z.string(),
            type: z.enum(['alerting', 'recording']),
            duration: z.number().optional(),
            labels: z.record(z.string(), z.string()).nullish(),
            annotations: z.record(z.string(), z.string()).nullish(),
          }),
        ),
      }),
    ),
  }),
});
type ApiGroup = z.infer<typeof rulesAnswer>['data']['groups'][number];

/**
 * VictoriaMetrics' vmalert loading rule files (`-rule=<dir>/redline-*.yaml`):
 * a file per entity, then `POST /-/reload`. What is deployed is read from
 * vmalert itself, so a file it refused shows up as not deployed. The reload
 * is asynchronous in vmalert: a read right after a write may still see the
 * previous rules.
 */
export const vmalertFileTarget = ruleTargetKind({
  type: 'vmalert-file',
  options: z.object({
    rulesDirectory: z.string().min(1),
    url: z.url(),
    /** vmalert's `-evaluationInterval`, which it reports on groups without one. */
    evaluationIntervalSeconds: z.number().positive().default(60),
  }),
  create(name, options, { http }) {
    const files = new RuleFileNamespaces(options.rulesDirectory);
    const base = options.url.replace(/\/$/, '');
    const target = `vmalert-file:${name}`;
    return {
      name,
      type: 'vmalert-file',
      defaultIntervalSeconds: options.evaluationIntervalSeconds,
      ...fileTargetOperations(files, http, { target, url: base }),
      async read(namespace, ctx) {
        const answer = await http.json(
          { target, url: `${base}/api/v1/rules` },
          ctx,
          // A throw here counts as a malformed answer (`bad-answer`).
          value => rulesAnswer.parse(value),
        );
        const fileName = files.fileName(namespace);
        return answer.data.groups
          .filter(group => path.basename(group.file) === fileName)
          .map(fromApi);
      },
    };
  },
});

function fromApi(group: ApiGroup): LooseRuleGroup {
  return {
    name: group.name,
    interval: group.interval || undefined,
    rules: group.rules.map(rule => ({
      ...(rule.type === 'alerting'
        ? { alert: rule.name }
        : { record: rule.name }),
      expr: rule.query,
      for: rule.duration || undefined,
      labels: rule.labels ?? undefined,
      annotations: rule.annotations ?? undefined,
    })),
  };
}
