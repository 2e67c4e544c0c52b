import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { navModule } from './modules/nav';
import { themeModule } from './modules/theme';

// Other plugins (org, scaffolder, api-docs, observability, ...) are discovered
// from this package's dependencies because app-config sets `app.packages: all`.
export default createApp({
  features: [catalogPlugin, navModule, themeModule],
});
