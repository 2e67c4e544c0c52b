export {
  ScaffoldAlertsDialog,
  DEFAULT_SCAFFOLDER_TEMPLATE,
  languageOf,
} from './ScaffoldAlertsDialog';
export type { ScaffoldAlertsDialogProps } from './ScaffoldAlertsDialog';
