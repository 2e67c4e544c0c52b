export {
  EntityObservabilityCard,
  mostImportantCheck,
} from './EntityObservabilityCard';
