export {
  MissingMetadataGuide,
  exampleAnnotations,
} from './MissingMetadataGuide';
export type { MissingMetadataGuideProps } from './MissingMetadataGuide';
