import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '@backstage/errors';
import type { RequestContext } from '../telemetry/context';

/** Outcome of running promtool. @internal */
export type Validation =
  | { validated: 'promtool' }
  | { validated: 'skipped'; why: string };

/**
 * `promtool check rules` on a rule file, whichever engine will load it:
 * an `InputError` with promtool's words when it refuses the file, skipped
 * (with a warning) where promtool is not installed.
 * @internal
 */
export async function validateWithPromtool(
  promtoolPath: string,
  rules: string,
  ctx: RequestContext,
): Promise<Validation> {
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'redline-apply-'));
  const file = path.join(directory, 'rules.yaml');
  try {
    await fs.writeFile(file, rules, 'utf8');
    const result = await run(promtoolPath, ['check', 'rules', file]);
    if (result.missing) {
      ctx.logger.warn(
        `promtool not found at '${promtoolPath}'; applying without validation`,
      );
      return { validated: 'skipped', why: 'promtool not found' };
    }
    if (result.code !== 0) {
      throw new InputError(
        `Generated rules failed promtool validation: ${(
          result.stderr || result.stdout
        )
          .replaceAll(file, 'rules.yaml')
          .trim()}`,
      );
    }
    return { validated: 'promtool' };
  } finally {
    await fs.rm(directory, { recursive: true, force: true });
  }
}

function run(
  command: string,
  args: string[],
): Promise<{
  code: number;
  stdout: string;
  stderr: string;
  missing?: boolean;
}> {
  return new Promise(resolve => {
    execFile(command, args, { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        resolve({ code: -1, stdout: '', stderr: '', missing: true });
        return;
      }
      let code = 0;
      if (error) code = typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}
