import type { ArtifactGenerator } from '../registry';
import { generateRunbooks } from '../runbooks';

/**
 * One runbook per alert of every generator before it, so it runs after the
 * generators that produce alerts.
 */
export const runbooksGenerator: ArtifactGenerator = {
  id: 'runbooks',
  generate({ spec, config, previous }) {
    const runbooks = generateRunbooks(spec, [...previous.alerts], config);
    return {
      runbooks,
      files: runbooks.map(r => ({
        id: `runbook:${r.alert}` as const,
        path: r.path,
        mediaType: 'text/markdown' as const,
        label: `Runbook: ${r.alert}`,
        render: () => r.markdown,
      })),
    };
  },
};
