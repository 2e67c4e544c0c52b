import {
  generateAlertmanagerFragment,
  renderAlertmanagerYaml,
} from '../alertmanager';
import type { ArtifactGenerator } from '../registry';

/** The owning team's Alertmanager route, receivers and inhibition. */
export const alertmanagerGenerator: ArtifactGenerator = {
  id: 'alertmanager',
  generate({ spec, config }) {
    const { fragment, findings } = generateAlertmanagerFragment(spec, config);
    return {
      alertmanager: fragment,
      findings,
      files: [
        {
          id: 'alertmanager',
          path: 'alertmanager.yaml',
          mediaType: 'application/yaml',
          label: 'Alertmanager routing',
          // Later generators (the Watchdog) may add routes to the fragment.
          render: artifacts =>
            renderAlertmanagerYaml([artifacts.alertmanager ?? fragment]),
        },
      ],
    };
  },
};
