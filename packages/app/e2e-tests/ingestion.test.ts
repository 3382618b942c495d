import { test, expect, Page } from '@playwright/test';
import { signInAsGuest } from './support';

/*
 * The "new MySQL ingestion" form as a new user fills it, against the portal scripts/e2e.sh starts
 * (seeded emulator, Sakila in the CDC-ready MariaDB): the source `sakila-selfservice`, two tables,
 * one rename. The preflight calls the source ready and shows the tables' findings, validation stops
 * an empty table choice, and the task page ends with every step done, replication started.
 * Screenshots: test-results/ingestion-*.png.
 */

async function shot(page: Page, name: string) {
  await page.screenshot({
    path: `test-results/ingestion-${name}.png`,
    fullPage: true,
  });
}

// The gold table test reads the silver tables the ingestion test creates.
test.describe.configure({ mode: 'serial' });

test('a new user onboards two Sakila tables with the ingestion form', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(
    page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: 'Create' }),
  ).toBeVisible();

  await page.goto('/create');
  const card = page
    .locator('.MuiCard-root')
    .filter({ hasText: 'New MySQL ingestion' })
    .last();
  await expect(card).toBeVisible({ timeout: 120_000 });
  await shot(page, '1-templates');
  await card.getByRole('button', { name: 'Choose' }).click();

  // Source: owner and CDC readiness from the preflight.
  await page.getByLabel('Source database').selectOption({
    label: 'Sakila (self-service demo) (sakila)',
  });
  const status = page.getByTestId('datalake-source-status');
  await expect(status).toContainText('Owner: group:default/data-engineering');
  await expect(status).toContainText('Ready for CDC.');
  await expect(status).not.toContainText('Not ready');
  await shot(page, '2-source');
  await page.getByRole('button', { name: 'Next' }).click();

  // Tables: the tables' findings, and no table is refused before anything is sent.
  await expect(page.getByTestId('table-row-rental')).toContainText(
    'zero dates',
  );
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(
    page.getByText('Choose at least one table to ingest.').first(),
  ).toBeVisible();
  await shot(page, '3-tables-validation');
  await page.getByLabel('Search tables').fill('act');
  await page.getByRole('checkbox', { name: 'choose actor' }).check();
  await page.getByLabel('Search tables').fill('');
  await page
    .getByRole('checkbox', { name: 'choose film', exact: true })
    .check();
  await shot(page, '4-tables');
  await page.getByRole('button', { name: 'Next' }).click();

  // Silver columns: prefilled in snake_case; an invalid name is flagged, then one rename.
  const title = page.getByLabel('silver name of film.title');
  await expect(title).toHaveValue('title');
  await title.fill('Film Title');
  await expect(
    page.getByText(/Silver column name 'Film Title' for film.title is invalid/),
  ).toBeVisible();
  await title.fill('film_title');
  await shot(page, '5-columns');
  await page.getByRole('button', { name: 'Next' }).click();

  // Landing format (default Parquet), schedule with its preview, owner group.
  await page.getByLabel('cron expression').fill('0 3 * * 1-5');
  await expect(page.getByText('At 03:00 UTC, Monday to Friday')).toBeVisible();
  const owner = page.getByRole('textbox', { name: 'Owner' });
  await owner.click();
  await owner.fill('data-engineering');
  await page
    .getByRole('option', { name: /data-engineering/ })
    .first()
    .click();
  await shot(page, '6-schedule-owner');
  await page.getByRole('button', { name: 'Review' }).click();

  await expect(page.getByText('film_title').first()).toBeVisible();
  await shot(page, '7-review');
  await page.getByRole('button', { name: 'Create' }).click();

  // The task page: every step finishes and the output links to the pipeline.
  await expect(
    page.getByRole('link', { name: 'Pipeline in the catalog' }),
  ).toBeVisible({ timeout: 180_000 });
  await expect(page.getByText(/failed/i)).toHaveCount(0);
  await shot(page, '8-task');

  // The next catalog sync (triggered rather than waited for) makes the new tables entities; the
  // pipeline page then lists them as what it depends on.
  const refresh = await page.request.get('/api/auth/guest/refresh');
  const token = (await refresh.json()).backstageIdentity.token;
  const sync = await page.request.post(
    '/api/catalog/.backstage/scheduler/v1/tasks/datalake-provider:demo:refresh/trigger',
    { headers: { authorization: `Bearer ${token}` } },
  );
  expect([200, 409]).toContain(sync.status());
  await page.getByRole('link', { name: 'Pipeline in the catalog' }).click();
  await expect(async () => {
    await page.reload();
    await expect(
      page.getByRole('link', { name: 'sakila_selfservice_silver.film' }),
    ).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 120_000 });
  await expect(
    page.getByText(/which can't be found in the catalog/),
  ).toHaveCount(0);
  await shot(page, '9-pipeline');
});

test('a data engineer adds a gold table with a previewed SQL', async ({
  page,
}) => {
  test.setTimeout(180_000);
  // Wait for the sign-in to finish: a page load before it signs out again.
  await signInAsGuest(page);
  await page.goto('/create');
  const card = page
    .locator('.MuiCard-root')
    .filter({ hasText: 'New gold table' })
    .last();
  await card.getByRole('button', { name: 'Choose' }).click();

  await page.getByLabel('Source').selectOption({
    label: 'Sakila (self-service demo) (sakila)',
  });
  await page.getByRole('checkbox', { name: /^film \(\d+ columns\)$/ }).check();
  await shot(page, 'gold-1-silver-tables');
  await page.getByRole('button', { name: 'Next' }).click();

  await page.getByLabel('Gold table name').fill('films_by_rating');
  const sql = page.getByLabel(/^SQL/);
  await sql.fill(
    'SELECT upper(f.rating) FROM glue_catalog.sakila_selfservice_silver.film f',
  );
  await expect(
    page.getByText(/Give the expression 'upper\(f.rating\)' a column name/),
  ).toBeVisible();
  await sql.fill(
    'SELECT f.rating, COUNT(*) AS films, AVG(f.rental_rate) AS average_rate\nFROM glue_catalog.sakila_selfservice_silver.film f\nGROUP BY f.rating',
  );
  const preview = page.getByRole('table', { name: 'gold columns preview' });
  await expect(preview).toContainText('films');
  await expect(preview).toContainText('bigint');
  await expect(preview).toContainText('average_rate');
  await shot(page, 'gold-2-sql-preview');
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();

  await expect(page.getByRole('link', { name: 'Gold table' })).toBeVisible({
    timeout: 120_000,
  });
  await expect(page.getByText(/failed/i)).toHaveCount(0);
  await shot(page, 'gold-3-task');
});
