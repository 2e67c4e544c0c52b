/**
 * Loads the repository's TypeScript sources (the demo service, the generator,
 * test/support) from these plain `.mjs` scripts, with the same on-the-fly
 * transform `backstage-cli package start` uses, so nothing has to be built.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
require('@backstage/cli/config/nodeTransform.cjs');

/** `require` relative to test/stack/, able to load `.ts` files and workspace packages. */
export const requireTs = require;

export const repoRoot = new URL('../..', import.meta.url).pathname.replace(
  /\/$/,
  '',
);
