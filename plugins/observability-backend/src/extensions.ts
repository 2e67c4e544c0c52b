/**
 * Extension points through which other backend modules add outputs, checks
 * and kinds of rule target, the way tech-insights takes fact retrievers: a
 * module calls `addGenerator` / `addCheck` / `addRuleTargetKind` during its
 * init, before this plugin builds its services.
 */
import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type {
  ArtifactGenerator,
  Check,
} from '@redline/backstage-plugin-observability-common';
import type { RuleTargetKind } from './ruleTargets/RuleTarget';

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

/** Where other modules add kinds of rule target (engines rules go to). @public */
export interface ObservabilityRuleTargetsExtensionPoint {
  /**
   * Adds kinds of rule target that `observability.ruleTargets` entries may
   * name by `type`; sync, Apply and its preview then write through them. A
   * type Redline or another module already provides stops the start.
   */
  addRuleTargetKind(...kinds: RuleTargetKind[]): void;
}

/** @public */
export const observabilityRuleTargetsExtensionPoint =
  createExtensionPoint<ObservabilityRuleTargetsExtensionPoint>({
    id: 'observability.rule-targets',
  });
