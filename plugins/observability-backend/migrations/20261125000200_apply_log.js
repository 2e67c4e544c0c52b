// @ts-check

/**
 * Who applied which entity's rules to which Prometheus, and when.
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('apply_log', table => {
    table.comment('Rule files written by the apply route');
    table.increments('id').primary();
    table
      .string('entity_ref')
      .notNullable()
      .comment('Entity whose rules were applied');
    table
      .string('instance')
      .notNullable()
      .comment('Prometheus instance name from config');
    table.text('path').notNullable().comment('Rule file written');
    table
      .boolean('changed')
      .notNullable()
      .comment('False when the file was already identical');
    table.string('content_sha256', 64).notNullable();
    table.string('validated', 16).notNullable().comment('promtool or skipped');
    table
      .string('reload_status', 16)
      .notNullable()
      .comment('ok, failed or skipped');
    table.text('reload_message').nullable();
    table
      .string('applied_by')
      .notNullable()
      .comment('User or service entity ref');
    table.string('correlation_id').nullable();
    table.timestamp('applied_at', { useTz: true }).notNullable();
    table.index(['entity_ref', 'applied_at'], 'apply_log_entity_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('apply_log');
};
