import {
  generateGrafanaDashboard,
  GrafanaDashboard,
  renderGrafanaDashboardJson,
} from '../grafanaDashboard';
import { dashboardUrlFor } from '../links';
import type { ArtifactGenerator } from '../registry';

/**
 * The service's RED and error-budget dashboard. Nothing in a describe (the
 * tab, the checks, a coverage run) reads the dashboard, so it is built on
 * first use, by the file or by the output object's summary, and kept.
 */
export const grafanaDashboardGenerator: ArtifactGenerator = {
  id: 'grafana-dashboard',
  generate({ spec, config }) {
    let built: GrafanaDashboard | undefined;
    const dashboard = () => (built ??= generateGrafanaDashboard(spec, config));
    return {
      dashboards: () => {
        const { uid, title, panels } = dashboard();
        return [
          {
            uid,
            title,
            file: 'grafana-dashboard.json',
            url: dashboardUrlFor(spec, config),
            panels: (panels ?? [])
              .filter(p => p.type !== 'row')
              .map(p => ('title' in p ? p.title : undefined))
              .filter((t): t is string => typeof t === 'string'),
          },
        ];
      },
      files: [
        {
          id: 'grafana-dashboard',
          path: 'grafana-dashboard.json',
          mediaType: 'application/json',
          label: 'Grafana dashboard',
          render: () => renderGrafanaDashboardJson(dashboard()),
        },
      ],
    };
  },
};
