// @ts-check

/**
 * SLO attainment per coverage row and per history point, measured by the
 * coverage run. Nullable: rows and points from before were not measured,
 * and "not measured" must read as unknown, never as 0 SLOs meeting.
 */

const COUNTS = [
  ['slos', 'SLOs declared'],
  ['slos_measured', 'SLOs with data over their window'],
  ['slos_meeting', 'SLOs at or above their objective'],
  ['budgets_nearly_exhausted', 'Error budgets with 0 < remaining < 25 %'],
  ['budgets_exhausted', 'Error budgets with nothing left'],
];

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('observability_coverage_rows', table => {
    for (const [name, comment] of COUNTS)
      table.integer(name).nullable().comment(comment);
    table
      .double('lowest_budget_percent')
      .nullable()
      .comment('Lowest remaining error budget (percent); null: no data');
  });
  await knex.schema.alterTable('observability_coverage_history', table => {
    for (const [name, comment] of COUNTS)
      table.integer(name).nullable().comment(comment);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('observability_coverage_history', table => {
    for (const [name] of COUNTS) table.dropColumn(name);
  });
  await knex.schema.alterTable('observability_coverage_rows', table => {
    table.dropColumn('lowest_budget_percent');
    for (const [name] of COUNTS) table.dropColumn(name);
  });
};
