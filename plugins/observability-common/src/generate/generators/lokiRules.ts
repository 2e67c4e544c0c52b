import { generateLokiRules, renderLokiRulesYaml } from '../pillars';
import type { ArtifactGenerator } from '../registry';

/**
 * The seed's METRIC_COLLECTION_FAILURE → FALLBACK_TO_LOGS: a log-based alert
 * for the Loki ruler, when the entity names a log stream. Its rules go to
 * Loki, never into the Prometheus rule file.
 */
export const lokiRulesGenerator: ArtifactGenerator = {
  id: 'loki-rules',
  generate({ spec, config }) {
    const loki = generateLokiRules(spec, config);
    if (!loki) return {};
    return {
      alerts: loki.alerts,
      findings: loki.findings,
      files:
        loki.alerts.length > 0
          ? [
              {
                id: 'loki-rules',
                path: 'loki-rules.yaml',
                mediaType: 'application/yaml',
                label: 'Loki rules (log-based fallback alert)',
                render: () => renderLokiRulesYaml(loki.rules),
              },
            ]
          : [],
    };
  },
};
