#!/usr/bin/env node
/**
 * Writes schema/observability-output.schema.json from the zod schema
 * `observabilityOutputSchema`. Run after changing the schema:
 *   node plugins/observability-common/scripts/write-output-schema.cjs
 * A unit test (outputSchema.test.ts) fails while the committed file differs.
 */
require('@backstage/cli/config/nodeTransform.cjs');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const {
  observabilityOutputJsonSchema,
} = require('../src/generate/outputSchema.ts');

const file = join(
  __dirname,
  '..',
  'schema',
  'observability-output.schema.json',
);
writeFileSync(
  file,
  `${JSON.stringify(observabilityOutputJsonSchema(), null, 2)}\n`,
);
process.stdout.write(`wrote ${file}\n`);
