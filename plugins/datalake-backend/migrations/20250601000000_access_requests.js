/*
 * Access requests and their append-only audit log.
 *
 * Timestamps are ISO-8601 UTC strings of fixed width, so that they compare the same way on
 * SQLite and PostgreSQL. `pending_key` is set only while a request is pending: its unique index
 * allows one pending request per requester, table and scope, and NULLs do not collide.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('datalake_access_requests', table => {
    table.string('id', 36).primary();
    table.string('entity_ref', 512).notNullable();
    table.string('database_name', 255).notNullable();
    table.string('table_name', 255).notNullable();
    table.string('catalog_id', 32).nullable();
    table.string('table_owner', 512).notNullable();
    table.text('table_columns').notNullable();
    table.string('requester', 512).notNullable();
    table.string('principal', 2048).notNullable();
    table.text('requested_scope').notNullable();
    table.text('scope').notNullable();
    table.string('permissions', 64).notNullable();
    table.text('justification').notNullable();
    table.integer('duration_days').notNullable();
    table.string('status', 16).notNullable();
    table.text('status_reason').nullable();
    table.string('created_at', 24).notNullable();
    table.string('updated_at', 24).notNullable();
    table.string('decided_by', 512).nullable();
    table.string('decided_at', 24).nullable();
    table.text('decision_comment').nullable();
    table.string('granted_at', 24).nullable();
    table.string('expires_at', 24).nullable();
    table.string('expiry_notified_at', 24).nullable();
    table.string('grant_claimed_at', 24).nullable();
    table.string('data_cells_filter', 255).nullable();
    table.string('pending_key', 64).nullable().unique();
    table.index(
      ['status', 'expires_at'],
      'datalake_access_requests_status_idx',
    );
    table.index(['entity_ref'], 'datalake_access_requests_entity_idx');
    table.index(['requester'], 'datalake_access_requests_requester_idx');
    table.index(['table_owner'], 'datalake_access_requests_owner_idx');
  });

  await knex.schema.createTable('datalake_access_audit', table => {
    table.bigIncrements('seq').primary();
    table
      .string('request_id', 36)
      .notNullable()
      .references('id')
      .inTable('datalake_access_requests');
    table.string('at', 24).notNullable();
    table.string('actor', 512).notNullable();
    table.string('action', 32).notNullable();
    table.text('details').nullable();
    table.index(['request_id'], 'datalake_access_audit_request_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('datalake_access_audit');
  await knex.schema.dropTable('datalake_access_requests');
};
