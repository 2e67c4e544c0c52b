import type { ArtifactId } from '../generate/types';
import type { DiffLine } from './lineDiff';

/**
 * The generated files that "Apply" can write: Prometheus loads the rules
 * file; every other file is for a repository or another system.
 * @public
 */
export const APPLICABLE_ARTIFACTS: readonly ArtifactId[] = ['prometheus-rules'];

/** Body of `POST /entity/:kind/:namespace/:name/apply` and of its `/preview`. @public */
export interface ApplyRequestBody {
  /** Prometheus instance; default: the entity's. */
  instance?: string;
  /** Ids of the selected files; default: every file Apply can write. */
  files?: ArtifactId[];
}

/** Result of `POST /entity/:kind/:namespace/:name/apply/preview`: what Apply would change. @public */
export interface ApplyPreviewResponse {
  entityRef: string;
  instance: string;
  /** File name in the instance's rules directory, or the namespace in the rule target. */
  fileName: string;
  /** The rule target previewed; absent: the instance's rules directory. */
  target?: string;
  /** Whether a file of this entity is deployed there now. */
  deployed: boolean;
  /** False when the deployed file is already identical. */
  changed: boolean;
  /** Deployed → proposed, line by line. */
  diff: DiffLine[];
  added: number;
  removed: number;
}
