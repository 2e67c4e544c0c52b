// @ts-check

/**
 * The rule names of remembered entries (see `DatabaseRememberedRowStore`),
 * each distinct list once: 10 000 entities have a few dozen, and written
 * out with every entry they were half of the table's bytes.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('observability_coverage_rule_shapes', table => {
    table.comment(
      'Distinct lists of generated rule names that remembered entries refer to',
    );
    table
      .string('describer', 64)
      .notNullable()
      .comment('The describer fingerprint of the entries that refer to it');
    table.string('shape_id', 64).notNullable().comment('Hash of rule_names');
    table.text('rule_names').notNullable().comment('JSON: the rule names');
    table.primary(
      ['describer', 'shape_id'],
      'observability_coverage_rule_shapes_pkey',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('observability_coverage_rule_shapes');
};
