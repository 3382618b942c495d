/*
 * Access requests in the demo portal (run by scripts/e2e.sh against :7007 with the seeded
 * emulator). The demo signs everyone in as `guest` (member of guests and data-engineering), so
 * one browser identity plays the requester here: it asks for two columns of a silver table
 * through the Request access dialog, sees the request on the table's Access tab and in My
 * requests, and finds it absent from its own approvals inbox, since nobody approves their own
 * request. Approval by a second identity needs a second sign-in the demo does not offer.
 */
import { expect, Page, test } from '@playwright/test';

const TABLE_PATH = '/catalog/default/resource/sakila_silver.customer';

async function signIn(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .waitFor({ state: 'visible' });
}

test('a user requests two columns of a silver table and sees the request', async ({
  page,
}) => {
  await signIn(page);

  await page.goto(`${TABLE_PATH}/access`);
  await page.getByRole('button', { name: 'Request access' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByRole('checkbox', { name: 'column customer_id' }).check();
  await dialog.getByRole('checkbox', { name: 'column email' }).check();

  // The row filter is checked while typing.
  const rowFilter = dialog.getByLabel('Row filter (optional)');
  await rowFilter.fill('store_id = 1; DROP TABLE customer');
  await expect(dialog.getByText(/Semicolons are not allowed/)).toBeVisible();
  await rowFilter.fill('');

  await dialog.getByLabel('Duration (days)').fill('7');
  await dialog.getByLabel('Justification').fill('Churn analysis for Q3');
  await page.screenshot({ path: 'test-results/access-request-dialog.png' });
  await dialog.getByRole('button', { name: 'Send request' }).click();
  await expect(dialog).toBeHidden();

  await expect(
    page.getByText('columns customer_id, email').first(),
  ).toBeVisible();
  await expect(page.getByText('pending').first()).toBeVisible();
  await page.screenshot({
    path: 'test-results/access-tab.png',
    fullPage: true,
  });

  await page.goto('/access-requests');
  await expect(
    page.getByRole('heading', { name: 'My access requests' }),
  ).toBeVisible();
  await expect(
    page.getByText('columns customer_id, email').first(),
  ).toBeVisible();
  await page.screenshot({
    path: 'test-results/access-my-requests.png',
    fullPage: true,
  });

  await page.goto('/access-approvals');
  await expect(
    page.getByRole('heading', { name: 'Access approvals' }),
  ).toBeVisible();
  await expect(page.getByText('Waiting for your decision')).toBeVisible();
  await expect(page.getByText('Churn analysis for Q3')).toHaveCount(0);
  await page.screenshot({
    path: 'test-results/access-approvals.png',
    fullPage: true,
  });
});
