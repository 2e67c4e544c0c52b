/*
 * Coverage runs: rows are written under their run's id and become visible
 * only when the run is published, so a reader never sees a run half-written
 * (a crash mid-run, or the first pages of a run in progress).
 *
 * observability_coverage_runs records every run that is not yet collected:
 * at most one `published` (what readers see), the `running` one with its
 * heartbeat (a run without a recent heartbeat is dead: its process was
 * killed), and `retired` / `abandoned` ones whose rows the next run deletes.
 *
 * The rows move to observability_coverage_rows, keyed by (run_id,
 * entity_ref), every index led by run_id since every query is for one run.
 * Existing rows are kept as one published run so the page is not empty
 * until the first run after the upgrade.
 */

// @ts-check

const MIGRATED_RUN = 'migrated';

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('observability_coverage_runs', table => {
    table.comment('Coverage evaluation runs and which one readers see');
    table.string('run_id', 64).primary().notNullable();
    table
      .string('status', 16)
      .notNullable()
      .comment('running, published (at most one), retired or abandoned');
    table
      .string('evaluated_at', 32)
      .notNullable()
      .comment("The run's rows' evaluatedAt");
    table.string('started_at', 32).notNullable();
    table
      .string('heartbeat_at', 32)
      .notNullable()
      .comment('Renewed while the run is alive; stale means its process died');
    table.string('finished_at', 32).nullable();
    table.integer('entities').nullable().comment('Entities the run saw');
    table.index(['status'], 'observability_coverage_runs_status_idx');
  });

  await knex.schema.createTable('observability_coverage_rows', table => {
    table.comment('Coverage evaluation per entity, per run');
    table.string('run_id', 64).notNullable();
    table.string('entity_ref', 512).notNullable();
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
    table.primary(['run_id', 'entity_ref'], 'observability_coverage_rows_pkey');
    table.index(['run_id', 'team'], 'observability_coverage_rows_team_idx');
    table.index(['run_id', 'owner'], 'observability_coverage_rows_owner_idx');
    // (run, column, entity_ref) matches ORDER BY column, entity_ref both ways.
    table.index(
      ['run_id', 'confidence', 'entity_ref'],
      'observability_coverage_rows_confidence_idx',
    );
    table.index(
      ['run_id', 'failing_checks', 'entity_ref'],
      'observability_coverage_rows_failing_idx',
    );
  });

  const [{ count, last }] = await knex('observability_coverage')
    .count({ count: '*' })
    .max({ last: 'evaluated_at' });
  if (Number(count) > 0 && last) {
    await knex('observability_coverage_runs').insert({
      run_id: MIGRATED_RUN,
      status: 'published',
      evaluated_at: last,
      started_at: last,
      heartbeat_at: last,
      finished_at: last,
      entities: Number(count),
    });
    await knex
      .into(
        knex.raw('?? (??)', [
          'observability_coverage_rows',
          [
            'run_id',
            'entity_ref',
            'name',
            'kind',
            'owner',
            'team',
            'system',
            'lifecycle',
            'tier',
            'has_slo',
            'has_runbook',
            'rules_deployed',
            'confidence',
            'failing_checks',
            'top_failing_check',
            'evaluated_at',
          ],
        ]),
      )
      .insert(
        knex('observability_coverage').select(
          knex.raw('?', [MIGRATED_RUN]),
          'entity_ref',
          'name',
          'kind',
          'owner',
          'team',
          'system',
          'lifecycle',
          'tier',
          'has_slo',
          'has_runbook',
          'rules_deployed',
          'confidence',
          'failing_checks',
          'top_failing_check',
          'evaluated_at',
        ),
      );
  }
  await knex.schema.dropTable('observability_coverage');
};

/**
 * Back to one row per entity: only the published run's rows are kept.
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
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
    table.string('run_id', 64).notNullable();
    table.index(['team'], 'observability_coverage_team_idx');
    table.index(['owner'], 'observability_coverage_owner_idx');
    table.index(['run_id'], 'observability_coverage_run_idx');
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
  const columns = [
    'entity_ref',
    'name',
    'kind',
    'owner',
    'team',
    'system',
    'lifecycle',
    'tier',
    'has_slo',
    'has_runbook',
    'rules_deployed',
    'confidence',
    'failing_checks',
    'top_failing_check',
    'evaluated_at',
    'run_id',
  ];
  await knex
    .into(knex.raw('?? (??)', ['observability_coverage', columns]))
    .insert(
      knex('observability_coverage_rows')
        .select(columns)
        .whereIn(
          'run_id',
          knex('observability_coverage_runs')
            .select('run_id')
            .where('status', 'published'),
        ),
    );
  await knex.schema.dropTable('observability_coverage_rows');
  await knex.schema.dropTable('observability_coverage_runs');
};
