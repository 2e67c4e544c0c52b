/**
 * Test helper: the text of a generated file exactly as users download it.
 * The backend's download routes, the CLI and the scaffolder all hand out
 * `generateArtifacts(...).files[].content`, so tests that put generated files
 * through promtool, amtool or the linter read them from there and check the
 * very bytes users get.
 */
import type { ArtifactId, GeneratedArtifacts } from '../types';

export function downloadedFile(
  artifacts: GeneratedArtifacts,
  id: ArtifactId,
): string {
  const file = artifacts.files.find(f => f.id === id);
  if (!file)
    throw new Error(
      `no file ${id} among ${artifacts.files.map(f => f.id).join(', ')}`,
    );
  return file.content;
}
