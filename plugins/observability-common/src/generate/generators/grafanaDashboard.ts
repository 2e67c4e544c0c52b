import {
  generateGrafanaDashboard,
  renderGrafanaDashboardJson,
} from '../grafanaDashboard';
import { dashboardUrlFor } from '../links';
import type { ArtifactGenerator } from '../registry';

/** The service's RED and error-budget dashboard. */
export const grafanaDashboardGenerator: ArtifactGenerator = {
  id: 'grafana-dashboard',
  generate({ spec, config }) {
    const dashboard = generateGrafanaDashboard(spec, config);
    return {
      dashboards: [
        {
          uid: dashboard.uid,
          title: dashboard.title,
          file: 'grafana-dashboard.json',
          url: dashboardUrlFor(spec, config),
          panels: (dashboard.panels ?? [])
            .filter(p => p.type !== 'row')
            .map(p => ('title' in p ? p.title : undefined))
            .filter((t): t is string => typeof t === 'string'),
        },
      ],
      files: [
        {
          id: 'grafana-dashboard',
          path: 'grafana-dashboard.json',
          mediaType: 'application/json',
          label: 'Grafana dashboard',
          render: () => renderGrafanaDashboardJson(dashboard),
        },
      ],
    };
  },
};
