export { ObservabilityPage } from './ObservabilityPage';
export type { ObservabilityPageProps } from './ObservabilityPage';
