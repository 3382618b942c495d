import { test, expect, APIRequestContext } from '@playwright/test';
import { until } from './support';

/*
 * The lake's tables in the portal, against the seeded local AWS emulator: the catalog API lists
 * them with layer, owner and lineage; search finds a table by a column name; a person browses
 * to the silver layer, opens a table and sees its schema and freshness.
 */

async function guestToken(request: APIRequestContext): Promise<string> {
  const response = await request.get('/api/auth/guest/refresh');
  expect(response.ok()).toBe(true);
  return (await response.json()).backstageIdentity.token;
}

test('the seeded tables are entities with layer, owner and lineage, and are searchable', async ({
  request,
}) => {
  test.setTimeout(240_000);
  const token = await guestToken(request);
  const headers = { authorization: `Bearer ${token}` };

  const tables = await until('the Glue tables in the catalog', async () => {
    const response = await request.get(
      '/api/catalog/entities?filter=kind=resource,spec.type=iceberg-table',
      { headers },
    );
    expect(response.status()).toBe(200);
    const entities = await response.json();
    return entities.length >= 34 ? entities : undefined;
  });
  for (const table of tables) {
    expect(table.metadata.annotations['datalake-portal.io/layer']).toMatch(
      /^(bronze|silver|gold)$/,
    );
    expect(table.spec.owner).toMatch(/^group:/);
  }
  const withLineage = tables.filter((t: any) => t.spec.dependsOn?.length);
  expect(withLineage.length).toBeGreaterThan(0);

  const hits = await until(
    'search to index the tables',
    async () => {
      const response = await request.get('/api/search/query?term=rental_date', {
        headers,
      });
      const body = await response.json();
      const titles: string[] = (body.results ?? []).map(
        (r: any) => r.document.title,
      );
      return titles.some(t => t.endsWith('.rental')) ? titles : undefined;
    },
    { timeoutMs: 180_000 },
  );
  expect(hits).toEqual(
    expect.arrayContaining(['sakila_bronze.rental', 'sakila_silver.rental']),
  );
});

test('a person browses to the silver layer and opens a table', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Data lake' })
    .click();

  const silverTab = page.getByRole('tab', { name: /^silver \(\d+\)$/ });
  await expect(async () => {
    await page.reload();
    await expect(silverTab).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 120_000 });
  await silverTab.click();
  await expect(page.getByText('sakila_silver.rental')).toBeVisible();
  await page.screenshot({
    path: 'test-results/catalog-silver-layer.png',
    fullPage: true,
  });

  await page.getByRole('link', { name: 'sakila_silver.rental' }).click();
  // The overview card's freshness comes from the table's Iceberg metadata in the emulated S3.
  const freshness = page
    .getByRole('row', { name: /Last data change/i })
    .first();
  await expect(freshness).toContainText(/ ago \((append|overwrite|delete)/);
  await page.screenshot({
    path: 'test-results/catalog-table-overview.png',
    fullPage: true,
  });
  // The page scrolls inside its content area, so the card is captured on its own too.
  await freshness.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/catalog-table-freshness.png' });

  await page.getByRole('link', { name: 'Schema', exact: true }).click();
  await expect(page.getByText('rental_date').first()).toBeVisible();
  await page.screenshot({
    path: 'test-results/catalog-table-schema.png',
    fullPage: true,
  });
});

test('the data lake routes answer for seeded gold and silver tables', async ({
  request,
}) => {
  test.setTimeout(180_000);
  const token = await guestToken(request);
  const headers = { authorization: `Bearer ${token}` };
  const gold = 'resource:default/sakila_gold.film_rentals';
  const silver = 'resource:default/sakila_silver.rental';
  await until('the gold table in the catalog', async () => {
    const response = await request.get(
      `/api/catalog/entities/by-name/resource/default/sakila_gold.film_rentals`,
      { headers },
    );
    return response.ok() ? true : undefined;
  });

  for (const entityRef of [gold, silver]) {
    for (const route of ['lineage', 'runs', 'freshness']) {
      const response = await request.get(
        `/api/datalake/v1/${route}?entityRef=${encodeURIComponent(entityRef)}`,
        { headers },
      );
      expect(response.status(), `${route} of ${entityRef}`).toBe(200);
    }
  }

  const lineage = await (
    await request.get(
      `/api/datalake/v1/lineage?entityRef=${encodeURIComponent(gold)}&depth=6`,
      { headers },
    )
  ).json();
  const layers = new Set(lineage.nodes.map((n: any) => n.layer));
  for (const layer of ['source', 'bronze', 'silver', 'gold']) {
    expect(layers.has(layer)).toBe(true);
  }
  expect(lineage.nodes.map((n: any) => n.label)).toEqual(
    expect.arrayContaining([
      'sakila.rental',
      'sakila_bronze.rental',
      'sakila_silver.rental',
    ]),
  );
});
