export { FiringAlerts } from './FiringAlerts';
export type { FiringAlertsProps } from './FiringAlerts';
