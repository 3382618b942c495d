/*
 * A scripted batch of changes to the demo's Sakila database, so that a newcomer can watch a row
 * travel: the DMS task's CDC writes them to the landing bucket from the binary log, and the next
 * pipeline run (its schedule, or "Run now") merges them into bronze, silver and gold. Each call
 * applies a new batch: an actor joins, a customer's e-mail is cleared, a rental is paid (a change
 * to the gold revenue), and the payment of the previous batch is refunded (deleted).
 */
import mysql from 'mysql2/promise';
import type { MysqlTarget } from './seedDemoLake';

/** What one batch changed, per table. */
export type DemoChanges = {
  actor: { inserted: number; actorId: number; rows: number };
  customer: { updated: number; customerId: number };
  payment: { inserted: number; deleted: number; paymentId: number };
};

const DEMO_LAST_NAME = 'DEMOCHANGE';

export async function applyDemoChanges(
  target: MysqlTarget & { database?: string },
): Promise<DemoChanges> {
  const database = target.database ?? 'sakila';
  const connection = await mysql.createConnection({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database,
  });
  try {
    // One transaction: DMS writes its changes in commit order, under one commit time.
    await connection.beginTransaction();
    const [actor] = (await connection.query(
      'INSERT INTO actor (first_name, last_name) VALUES (?, ?)',
      [`NEWCOMER${Date.now() % 100000}`, DEMO_LAST_NAME],
    )) as any;
    const [[customer]] = (await connection.query(
      'SELECT customer_id FROM customer WHERE email IS NOT NULL ORDER BY customer_id LIMIT 1',
    )) as any;
    const [cleared] = (await connection.query(
      'UPDATE customer SET email = NULL WHERE customer_id = ?',
      [customer.customer_id],
    )) as any;
    // The previous batch's payment is refunded: a delete that must reach silver and gold.
    const [refunded] = (await connection.query(
      `DELETE FROM payment WHERE payment_id = (
         SELECT id FROM (SELECT MAX(payment_id) AS id FROM payment
          WHERE amount = 9.99 AND rental_id IS NULL) latest)`,
    )) as any;
    const [paid] = (await connection.query(
      `INSERT INTO payment (customer_id, staff_id, rental_id, amount, payment_date)
       VALUES (?, 1, NULL, 9.99, NOW())`,
      [customer.customer_id],
    )) as any;
    await connection.commit();
    const [[{ n: rows }]] = (await connection.query(
      'SELECT COUNT(*) AS n FROM actor',
    )) as any;
    return {
      actor: {
        inserted: actor.affectedRows,
        actorId: actor.insertId,
        rows: Number(rows),
      },
      customer: {
        updated: cleared.affectedRows,
        customerId: customer.customer_id,
      },
      payment: {
        inserted: paid.affectedRows,
        deleted: refunded.affectedRows,
        paymentId: paid.insertId,
      },
    };
  } catch (e) {
    await connection.rollback().catch(() => {});
    throw e;
  } finally {
    await connection.end();
  }
}
