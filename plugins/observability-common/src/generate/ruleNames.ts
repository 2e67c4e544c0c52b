/**
 * Names of the series and alerts the rule generator records, for the
 * dashboard, checks and tests that query them.
 */
export { redRecordNames } from './redRecordingRules';
export type { RedRecordNames } from './redRecordingRules';
export {
  BURN_TIERS,
  SLI_WINDOWS,
  ABSENT_FOR,
  sliErrorRecordName,
} from './sloRules';
export type { BurnTier } from './sloRules';
