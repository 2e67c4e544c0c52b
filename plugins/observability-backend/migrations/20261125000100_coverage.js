/*
 * Coverage: the latest evaluation of every Component, and snapshots over time
 * (overall and per team) for the trend chart.
 *
 * Timestamps are ISO-8601 strings (always UTC with milliseconds, from
 * Date#toISOString) rather than native timestamps: they sort and compare the
 * same on SQLite and PostgreSQL and come back unchanged from both drivers.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('observability_coverage', table => {
    table.comment('Latest coverage evaluation per entity');
    table.string('entity_ref', 512).primary().notNullable();
    table.string('name', 255).notNullable();
    table.string('kind', 64).notNullable();
    table.string('owner', 512).notNullable();
    table.string('team', 255).notNullable();
    table.string('system', 512).nullable();
    table.string('lifecycle', 255).nullable();
    table.string('tier', 64).nullable();
    table.boolean('has_slo').notNullable();
    table.boolean('has_runbook').notNullable();
    table.string('rules_deployed', 16).notNullable();
    table.double('confidence').notNullable();
    table.integer('failing_checks').notNullable();
    table.string('top_failing_check', 255).nullable();
    table.string('evaluated_at', 32).notNullable();
    table
      .string('run_id', 64)
      .notNullable()
      .comment(
        'The evaluation run that last wrote this row; older runs are pruned',
      );
    table.index(['team'], 'observability_coverage_team_idx');
    table.index(['owner'], 'observability_coverage_owner_idx');
    table.index(['run_id'], 'observability_coverage_run_idx');
    // The columns the coverage page sorts by most, and max(evaluated_at).
    // (column, entity_ref) matches ORDER BY column, entity_ref both ways.
    table.index(
      ['confidence', 'entity_ref'],
      'observability_coverage_confidence_idx',
    );
    table.index(
      ['failing_checks', 'entity_ref'],
      'observability_coverage_failing_idx',
    );
    table.index(['evaluated_at'], 'observability_coverage_evaluated_idx');
  });

  await knex.schema.createTable('observability_coverage_history', table => {
    table.comment(
      'Coverage snapshots after each evaluation, overall (team null) and per team',
    );
    table.bigIncrements('id').primary();
    table.string('evaluated_at', 32).notNullable();
    table.string('team', 255).nullable();
    table.integer('services').notNullable();
    table.double('with_slo').notNullable();
    table.double('with_runbooks').notNullable();
    table.double('with_rules_deployed').notNullable();
    table.double('mean_confidence').notNullable();
    table.index(
      ['team', 'evaluated_at'],
      'observability_coverage_history_team_idx',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('observability_coverage_history');
  await knex.schema.dropTable('observability_coverage');
};
