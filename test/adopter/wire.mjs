/**
 * Wires Redline into the rendered app exactly as the README's "Adding Redline
 * to an existing Backstage app" says: two `backend.add` lines, the frontend
 * package in packages/app's dependencies (discovered through `app.packages:
 * all`), and the README's legacy-system snippet in its own file, which only
 * has to type-check. The tarballs stand in for the registry.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PACKAGES = {
  common: '@redline/backstage-plugin-observability-common',
  backend: '@redline/backstage-plugin-observability-backend',
  frontend: '@redline/backstage-plugin-observability',
};

const BACKEND_LINES = `backend.add(import('@redline/backstage-plugin-observability-backend'));
// optional: the redline:observability:generate and :budget-gate scaffolder actions
backend.add(
  import('@redline/backstage-plugin-observability-backend/scaffolder'),
);
`;

const LEGACY_WIRING = `import { Route } from 'react-router-dom';
import Grid from '@material-ui/core/Grid';
import { EntityLayout } from '@backstage/plugin-catalog';
import {
  ObservabilityPage,
  EntityObservabilityContent,
  EntityObservabilityCard,
} from '@redline/backstage-plugin-observability';

// The README's legacy-system wiring, type-checked against the published types.
export const legacyRoute = (
  <Route path="/observability" element={<ObservabilityPage />} />
);

export const legacyServiceEntityPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      <Grid container>
        <Grid item md={6}>
          <EntityObservabilityCard />
        </Grid>
      </Grid>
    </EntityLayout.Route>
    <EntityLayout.Route path="/observability" title="Observability">
      <EntityObservabilityContent />
    </EntityLayout.Route>
  </EntityLayout>
);
`;

/** A service with an SLO, so the tab has RED targets and burn-rate alerts. */
export const DEMO_ENTITY = { kind: 'component', name: 'redline-checkout' };
const ENTITY_YAML = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${DEMO_ENTITY.name}
  annotations:
    redline.dev/slo-availability: "99.9"
spec:
  type: service
  lifecycle: production
  owner: guests
`;

function editJson(file, edit) {
  const json = JSON.parse(readFileSync(file, 'utf8'));
  edit(json);
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
}

/** `tarballs` maps each key of PACKAGES to an absolute .tgz path. */
export function wireRedline(appDir, tarballs) {
  const file = key => `file:${tarballs[key]}`;
  editJson(join(appDir, 'packages/backend/package.json'), pkg => {
    pkg.dependencies[PACKAGES.backend] = file('backend');
  });
  editJson(join(appDir, 'packages/app/package.json'), pkg => {
    pkg.dependencies[PACKAGES.frontend] = file('frontend');
  });
  // -common is not on the registry yet: point its caret range at the tarball.
  editJson(join(appDir, 'package.json'), pkg => {
    pkg.overrides = { ...pkg.overrides, [PACKAGES.common]: file('common') };
  });

  const backendIndex = join(appDir, 'packages/backend/src/index.ts');
  const source = readFileSync(backendIndex, 'utf8');
  if (!source.includes('backend.start();'))
    throw new Error('template backend has no backend.start()');
  writeFileSync(
    backendIndex,
    source.replace('backend.start();', `${BACKEND_LINES}\nbackend.start();`),
  );

  writeFileSync(
    join(appDir, 'packages/app/src/legacyWiring.tsx'),
    LEGACY_WIRING,
  );
  writeFileSync(join(appDir, 'examples/redline.yaml'), ENTITY_YAML);
}

/** Config for one run: the backend serves the built app on `port`. */
export function adopterConfig(port) {
  const baseUrl = `http://localhost:${port}`;
  return `app:
  baseUrl: ${baseUrl}
backend:
  baseUrl: ${baseUrl}
  listen:
    port: ${port}
  cors:
    origin: ${baseUrl}
catalog:
  locations:
    - type: file
      target: ../../examples/entities.yaml
    - type: file
      target: ../../examples/org.yaml
      rules:
        - allow: [User, Group]
    - type: file
      target: ../../examples/redline.yaml
`;
}
