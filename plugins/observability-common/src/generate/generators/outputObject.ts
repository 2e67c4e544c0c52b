import type { ArtifactGenerator } from '../registry';

/**
 * `observability.json`, the seed's output object. Its `configuration` embeds
 * the other files' text, so it is the largest file of all; like every file
 * it is rendered only when someone downloads it.
 */
export const outputObjectGenerator: ArtifactGenerator = {
  id: 'observability',
  generate() {
    return {
      files: [
        {
          id: 'observability',
          path: 'observability.json',
          mediaType: 'application/json',
          label: 'Observability design (output object)',
          render: artifacts => `${JSON.stringify(artifacts.output, null, 2)}\n`,
        },
      ],
    };
  },
};
