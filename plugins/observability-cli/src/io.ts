/**
 * Where commands write. Tests pass a recorder; the real CLI writes to the
 * process streams.
 */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** The process's stdout/stderr. */
export const processIo: CliIo = {
  out: line => process.stdout.write(`${line}\n`),
  err: line => process.stderr.write(`${line}\n`),
};

/** The message of anything thrown, never its stack. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
