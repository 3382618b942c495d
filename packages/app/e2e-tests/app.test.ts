import { test, expect } from '@playwright/test';

test('a guest signs in and sees the catalog', async ({ page }) => {
  await page.goto('/');

  await expect(page.getByText('Data Lake Portal').first()).toBeVisible();
  await page.getByRole('button', { name: 'Enter' }).click();

  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await expect(
    nav.getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Data lake' })).toBeVisible();
  // The catalog lists the demo organisation's entities once the backend answered.
  await page.getByText('Kind', { exact: true }).first().waitFor();
  await page.goto('/?filters%5Bkind%5D=group');
  await expect(
    page.getByRole('link', { name: 'data-engineering' }).first(),
  ).toBeVisible();
  await page.screenshot({ path: 'test-results/catalog.png', fullPage: true });

  await nav.getByRole('link', { name: 'Data lake' }).click();
  await expect(page.getByRole('heading', { name: 'Data lake' })).toBeVisible();
  // Either the synced tables by layer, or the explanation of how they arrive.
  await expect(
    page
      .getByText(/No lake tables in the catalog yet|^bronze \(\d+\)$/)
      .first(),
  ).toBeVisible();
  await page.screenshot({ path: 'test-results/datalake.png', fullPage: true });
});
