export { CoverageOverview } from './CoverageOverview';
