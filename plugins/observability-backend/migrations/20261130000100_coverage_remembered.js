// @ts-check

/**
 * What a coverage run remembers of each entity for the next one (see
 * `RememberedRows`), kept here so that the first run after a restart also
 * describes only the entities that changed. Each entry holds its spec and
 * generated rule names as JSON: text, since only the evaluator reads them,
 * whole, by entity.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('observability_coverage_remembered', table => {
    table.comment(
      'Per entity: the version, facts and description its coverage row was made from',
    );
    table.string('entity_ref', 512).primary().notNullable();
    table
      .string('describer', 64)
      .notNullable()
      .comment(
        'Fingerprint of the config, generators, checks and plugin versions the entry was made with',
      );
    table.text('version').notNullable().comment('uid and etag, or a hash');
    table.text('buckets').notNullable();
    table.text('facts').notNullable().comment('Fingerprint of the facts');
    table.text('gatherable').notNullable().comment('JSON: spec and rule names');
    table
      .text('row')
      .nullable()
      .comment('JSON: the row without its live fields; null if not serving');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('observability_coverage_remembered');
};
