/**
 * Extension points through which other backend modules add outputs and
 * checks, the way tech-insights takes fact retrievers: a module calls
 * `addGenerator` / `addCheck` during its init, before this plugin builds
 * its services.
 */
import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type {
  ArtifactGenerator,
  Check,
} from '@redline/backstage-plugin-observability-common';

/** @public */
export interface ObservabilityGeneratorsExtensionPoint {
  /** Adds outputs; they run after Redline's own and before the runbooks. */
  addGenerator(...generators: ArtifactGenerator[]): void;
}

/** @public */
export const observabilityGeneratorsExtensionPoint =
  createExtensionPoint<ObservabilityGeneratorsExtensionPoint>({
    id: 'observability.generators',
  });

/** @public */
export interface ObservabilityChecksExtensionPoint {
  /** Adds checks; they are listed after Redline's own. */
  addCheck(...checks: Check[]): void;
}

/** @public */
export const observabilityChecksExtensionPoint =
  createExtensionPoint<ObservabilityChecksExtensionPoint>({
    id: 'observability.checks',
  });
