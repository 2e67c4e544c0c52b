import type { ArtifactGenerator } from '../registry';
import { generateRunbooks } from '../runbooks';
import type { Runbook } from '../types';

/**
 * One runbook per alert of every generator before it, so it runs after the
 * generators that produce alerts.
 */
export const runbooksGenerator: ArtifactGenerator = {
  id: 'runbooks',
  generate({ spec, config, previous }) {
    // Written when first read (a coverage run reads no runbook); the file
    // list is made from the same runbooks, so each one is written once.
    const alerts = [...previous.alerts];
    let written: Runbook[] | undefined;
    const runbooks = () => (written ??= generateRunbooks(spec, alerts, config));
    return {
      runbooks,
      files: () =>
        runbooks().map(r => ({
          id: `runbook:${r.alert}` as const,
          path: r.path,
          mediaType: 'text/markdown' as const,
          label: `Runbook: ${r.alert}`,
          render: () => r.markdown,
        })),
    };
  },
};
