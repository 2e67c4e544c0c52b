export { FetchedEntityItem } from './FetchedEntityItem';
