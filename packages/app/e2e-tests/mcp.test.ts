import { APIRequestContext, expect, test } from '@playwright/test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { until } from './support';

/*
 * An AI agent's view of the demo portal: an MCP client (the protocol's own SDK) speaks to the MCP
 * actions backend of the running demo backend, as Ana the analyst and Dana the data engineer
 * (demo users, signed in with the demo provider). Everything it reads was made by the seed's
 * pipeline run over the emulator.
 */

const BASE_URL = process.env.PLAYWRIGHT_URL ?? 'http://localhost:7007';

async function tokenOf(request: APIRequestContext, user: string) {
  const response = await request.get('/api/auth/demo/refresh', {
    headers: { 'x-demo-user': user },
  });
  expect(response.status()).toBe(200);
  return (await response.json()).backstageIdentity.token as string;
}

async function mcpClientAs(token: string): Promise<Client> {
  const client = new Client({ name: 'datalake-e2e', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(
      new URL('/api/mcp-actions/v1', BASE_URL),
      {
        requestInit: { headers: { Authorization: `Bearer ${token}` } },
      },
    ),
  );
  return client;
}

/** Calls a tool and answers its structured output; fails on a tool error. */
async function call(
  client: Client,
  name: string,
  args: Record<string, unknown>,
) {
  const result = await client.callTool({ name, arguments: args });
  expect(result.isError ?? false).toBe(false);
  return result.structuredContent as any;
}

test('an agent finds the rental tables, follows a gold table to MySQL and asks for access', async ({
  request,
}) => {
  test.setTimeout(180_000);
  const ana = await mcpClientAs(await tokenOf(request, 'user:default/ana'));
  try {
    const { tools } = await ana.listTools();
    const names = tools.map(t => t.name).sort();
    expect(names).toEqual([
      'datalake.describe-table',
      'datalake.find-tables',
      'datalake.get-table-lineage',
      'datalake.get-table-runs',
      'datalake.list-my-access-requests',
      'datalake.request-table-access',
      'datalake.run-pipeline-now',
    ]);
    // Approval stays with people: there is no tool to decide a request.
    expect(names.filter(n => /approve|reject|revoke/.test(n))).toEqual([]);

    // The catalog syncs the Glue tables some seconds after the backend starts.
    const found = await until('the rental tables', async () => {
      const { tables } = await call(ana, 'datalake.find-tables', {
        text: 'rental_date',
      });
      const refs = tables.map((t: { entityRef: string }) => t.entityRef);
      return refs.includes('resource:default/sakila_silver.rental')
        ? tables
        : undefined;
    });
    expect(found.map((t: { name: string }) => t.name)).toEqual(
      expect.arrayContaining(['sakila_bronze.rental', 'sakila_silver.rental']),
    );
    const silverRental = found.find(
      (t: { name: string }) => t.name === 'sakila_silver.rental',
    );
    expect(silverRental.columns.map((c: { name: string }) => c.name)).toContain(
      'rental_date',
    );

    // A gold table, upstream to the MySQL tables it is computed from.
    const lineage = await call(ana, 'datalake.get-table-lineage', {
      entityRef: 'resource:default/sakila_gold.film_rentals',
      depth: 6,
      direction: 'upstream',
    });
    const labels = lineage.nodes.map((n: { label: string }) => n.label);
    expect(labels).toEqual(
      expect.arrayContaining(['sakila_silver.rental', 'sakila_bronze.rental']),
    );
    const mysql = lineage.nodes.filter(
      (n: { kind: string }) => n.kind === 'mysql-table',
    );
    expect(mysql.map((n: { label: string }) => n.label)).toEqual(
      expect.arrayContaining([expect.stringMatching(/sakila\.rental$/)]),
    );
    expect(
      lineage.nodes.every((n: { distance: number }) => n.distance <= 0),
    ).toBe(true);

    // The table as the seed's pipeline run left it.
    const described = await call(ana, 'datalake.describe-table', {
      entityRef: 'resource:default/sakila_silver.rental',
    });
    expect(described.layer).toBe('silver');
    expect(described.totalRecords).toBeGreaterThan(0);
    expect(described.snapshots.length).toBeGreaterThan(0);

    // Ana asks for two columns; Dana, of the owner group, sees it in her inbox.
    const filed = await call(ana, 'datalake.request-table-access', {
      entityRef: 'resource:default/sakila_silver.rental',
      columns: ['customer_id', 'rental_date'],
      justification: 'churn model features (filed by an agent)',
      durationDays: 7,
    });
    expect(filed).toMatchObject({
      status: 'pending',
      table: 'sakila_silver.rental',
      principalSharedBy: 'group:default/analysts',
    });
    const danaToken = await tokenOf(request, 'user:default/dana');
    const inbox = await request.get(
      '/api/datalake/v1/access-requests?view=to-approve',
      { headers: { Authorization: `Bearer ${danaToken}` } },
    );
    expect(
      (await inbox.json()).items.map((r: { id: string }) => r.id),
    ).toContain(filed.id);

    // Ana may not approve her own request, whichever way she tries.
    const anaToken = await tokenOf(request, 'user:default/ana');
    const approve = await request.post(
      `/api/datalake/v1/access-requests/${filed.id}/approve`,
      { headers: { Authorization: `Bearer ${anaToken}` }, data: {} },
    );
    expect(approve.status()).toBe(403);
    const unknownTool = await ana
      .callTool({
        name: 'datalake.approve-access-request',
        arguments: { id: filed.id },
      })
      .catch((e: Error) => ({ isError: true, content: [{ text: e.message }] }));
    expect(unknownTool.isError).toBe(true);

    // Run now is for the table's owners: the analyst is refused with the reason.
    const runNow = await ana.callTool({
      name: 'datalake.run-pipeline-now',
      arguments: { entityRef: 'resource:default/sakila_silver.rental' },
    });
    expect(runNow.isError).toBe(true);
    expect(JSON.stringify(runNow.content)).toMatch(/NotAllowedError/);
  } finally {
    await ana.close();
  }
});
