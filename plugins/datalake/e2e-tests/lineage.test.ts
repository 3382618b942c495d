/*
 * Lineage and run status in the demo portal, run by scripts/e2e.sh against :7007 with the seeded
 * emulator: the Lineage tab of a silver table shows the whole chain from the MySQL table through
 * DMS and the landing prefix to bronze, silver and the gold tables reading it; its Runs tab shows
 * the pipeline execution that filled the lake, failed on the demo's address table (a broken
 * landing file is packages/app's runs.test.ts).
 * Screenshots go to test-results/.
 */
import { expect, Page, test } from '@playwright/test';

const TABLE_PATH = '/catalog/default/resource/sakila_silver.rental';

/** The demo sign-in page: a guest "Enter" button, or one button per demo user. */
async function signIn(page: Page) {
  await page.goto('/');
  const button = page
    .getByRole('button', { name: /^(Enter|Sign in as Dana)$/ })
    .first();
  await button.click();
  await expect(
    page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: 'Data lake' }),
  ).toBeVisible();
}

/** The Glue tables become catalog entities some seconds after the backend starts. */
async function openTab(page: Page, tab: 'lineage' | 'runs', ready: string) {
  await expect(async () => {
    await page.goto(`${TABLE_PATH}/${tab}`);
    await expect(page.getByText(ready).first()).toBeVisible({
      timeout: 10_000,
    });
  }).toPass({ timeout: 120_000 });
}

test('a silver table shows its whole lineage chain and the runs that wrote it', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1600, height: 1000 });
  await signIn(page);

  await openTab(page, 'lineage', 'Column lineage');
  const graph = page.getByRole('img', { name: 'Lineage graph' });
  await expect(graph).toBeVisible({ timeout: 30_000 });
  for (const label of [
    /^MySQL sakila\.rental/,
    /^DMS task dl-sakila-/,
    /^S3 landing s3:\/\/.*\/sakila\/rental\/$/,
    /^bronze sakila_bronze\.rental/,
    /^Glue job datalake-sakila-silver-rental/,
    /^silver sakila_silver\.rental/,
    /^gold sakila_gold\.film_rentals/,
  ]) {
    await expect(graph.getByLabel(label).first()).toBeVisible();
  }
  await page.screenshot({
    path: 'test-results/lineage-silver-rental.png',
    fullPage: true,
  });

  await openTab(page, 'runs', 'DMS task');
  // The seed's first load, real: the silver job's run succeeded, and the execution ended failed on
  // the demo's one real failure, the address silver job (README, "What the demo shows"), which
  // failed only its own table's line.
  const runs = page.getByRole('table', { name: 'Runs' });
  await expect(
    runs
      .getByRole('row')
      .filter({ hasText: 'datalake-sakila-silver-rental' })
      .first(),
  ).toContainText(/succeeded/i);
  await expect(
    runs.getByRole('row').filter({ hasText: 'first-load' }).first(),
  ).toContainText(/failed[\s\S]*Failed state: datalake-sakila-silver-address/i);
  await page.screenshot({
    path: 'test-results/runs-silver-rental.png',
    fullPage: true,
  });
});
