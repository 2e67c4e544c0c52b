export * from './schema';
export {
  MAX_OPENSLO_BYTES,
  OPENSLO_ANNOTATION,
  parseOpenSloDocuments,
} from './parseDocuments';
export type { ParsedOpenSlo } from './parseDocuments';
export {
  ALERTMANAGER_TARGET,
  burnConditions,
  exportOpenSlo,
  LATENCY_THRESHOLD_ANNOTATION,
  renderOpenSloYaml,
  SHORT_WINDOW_ANNOTATION,
} from './exportOpenSlo';
export type { BurnCondition, OpenSloExport } from './exportOpenSlo';
export { importOpenSlo } from './importOpenSlo';
export type {
  ImportedSlo,
  OpenSloImport,
  OpenSloTarget,
} from './importOpenSlo';
export { openSloFileReference, withOpenSloText } from './entityOpenSlo';
