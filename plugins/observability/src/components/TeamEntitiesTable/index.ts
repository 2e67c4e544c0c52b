export { TeamEntitiesTable } from './TeamEntitiesTable';
export type { TeamEntitiesTableProps } from './TeamEntitiesTable';
