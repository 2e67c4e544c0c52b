// @ts-check

/**
 * Refused and failed applies are recorded too: each row says how the attempt
 * ended and why, in words for people. Rows from before were all successful
 * writes, hence the default.
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('apply_log', table => {
    table
      .string('outcome', 16)
      .nullable()
      .defaultTo('applied')
      .comment('applied, unchanged, refused or failed');
    table.text('message').nullable().comment('What happened, for people');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('apply_log', table => {
    table.dropColumn('message');
    table.dropColumn('outcome');
  });
};
