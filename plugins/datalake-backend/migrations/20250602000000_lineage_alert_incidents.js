/*
 * Incidents the run status alerts have notified about, so that each is notified once: a failed
 * Step Functions execution, or a table past its freshness SLA since a given data change.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('datalake_alert_incidents', table => {
    table.string('incident_key', 1024).primary();
    table.string('kind', 32).notNullable();
    table.string('entity_ref', 512).notNullable();
    table.string('notified_at', 24).notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('datalake_alert_incidents');
};
