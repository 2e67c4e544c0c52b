export { FiringAlerts, firingAlertsTitle } from './FiringAlerts';
export type { FiringAlertsProps } from './FiringAlerts';
