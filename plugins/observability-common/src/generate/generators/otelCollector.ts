import { generateOtelCollectorConfig } from '../pillars';
import type { ArtifactGenerator } from '../registry';

/** The traces pillar: an OpenTelemetry Collector pipeline for the service. */
export const otelCollectorGenerator: ArtifactGenerator = {
  id: 'otel-collector',
  generate({ spec, config }) {
    return {
      files: [
        {
          id: 'otel-collector',
          path: 'otel-collector.yaml',
          mediaType: 'application/yaml',
          label: 'OpenTelemetry Collector (traces)',
          render: () => generateOtelCollectorConfig(spec, config),
        },
      ],
    };
  },
};
