/*
 * Access requests in the demo portal, run by scripts/e2e.sh against :7007 with the seeded
 * emulator: Ana (analysts) asks for two columns of a silver table through the Request access
 * dialog; Dana (data-engineering, the table's owner group) approves it in her Approvals inbox,
 * which grants it in the emulated Lake Formation; the table's Access tab then shows the grant.
 * Each identity has its own browser context, signed in through the demo sign-in page.
 */
import { Browser, expect, Page, test } from '@playwright/test';

const TABLE = 'sakila_silver.customer';
const TABLE_PATH = `/catalog/default/resource/${TABLE}`;
const JUSTIFICATION = `Churn analysis for Q3 (${Date.now()})`;

async function signInAs(browser: Browser, button: string): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
  });
  const page = await context.newPage();
  await page.goto('/');
  await page.getByRole('button', { name: button }).click();
  await expect(
    page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: 'Data lake' }),
  ).toBeVisible();
  return page;
}

/** The Glue tables become catalog entities some seconds after the backend starts. */
async function openAccessTab(page: Page) {
  await expect(async () => {
    await page.goto(`${TABLE_PATH}/access`);
    await expect(
      page.getByRole('button', { name: 'Request access' }),
    ).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 120_000 });
}

test('an analyst requests two columns of a silver table; an owner approves; the grant shows', async ({
  browser,
}) => {
  test.setTimeout(240_000);

  // Ana asks.
  const ana = await signInAs(browser, 'Sign in as Ana');
  await openAccessTab(ana);
  await ana.getByRole('button', { name: 'Request access' }).click();
  const dialog = ana.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByRole('checkbox', { name: 'column customer_id' }).check();
  await dialog.getByRole('checkbox', { name: 'column email' }).check();

  // The row filter is checked while typing; a bad one blocks sending.
  const rowFilter = dialog.getByLabel('Row filter (optional)');
  await rowFilter.fill('store_id = 1; DROP TABLE customer');
  await expect(dialog.getByText(/Semicolons are not allowed/)).toBeVisible();
  await expect(
    dialog.getByRole('button', { name: 'Send request' }),
  ).toBeDisabled();
  await ana.screenshot({ path: 'test-results/access-1-bad-row-filter.png' });
  await rowFilter.fill('');

  await dialog.getByLabel('Duration (days)').fill('7');
  await dialog.getByLabel('Justification').fill(JUSTIFICATION);
  await expect(
    dialog.getByRole('button', { name: 'Send request' }),
  ).toBeEnabled();
  await ana.screenshot({ path: 'test-results/access-2-request-dialog.png' });
  await dialog.getByRole('button', { name: 'Send request' }).click();
  await expect(dialog).toBeHidden();

  const anaRow = ana.getByRole('row').filter({ hasText: JUSTIFICATION });
  await expect(anaRow).toContainText('columns customer_id, email');
  await expect(anaRow).toContainText('pending');
  await expect(ana.getByText(/Request sent; the owners of/)).toBeVisible();
  await ana.screenshot({
    path: 'test-results/access-3-requested.png',
    fullPage: true,
  });

  // Nobody approves their own request: Ana's inbox does not hold it.
  await ana.goto('/access-approvals');
  await expect(
    ana.getByRole('heading', { name: 'Access approvals' }),
  ).toBeVisible();
  await expect(ana.getByText('Waiting for your decision')).toBeVisible();
  await expect(ana.getByText(JUSTIFICATION)).toHaveCount(0);

  // Dana, of the owner group, approves in her inbox.
  const dana = await signInAs(browser, 'Sign in as Dana');
  await dana.goto('/access-approvals');
  const danaRow = dana.getByRole('row').filter({ hasText: JUSTIFICATION });
  await expect(danaRow).toContainText(TABLE);
  await expect(danaRow).toContainText('ana');
  await expect(danaRow).toContainText('columns customer_id, email');
  // Ana's grant goes to the analysts' shared role: Dana sees that all analysts get it.
  await expect(danaRow).toContainText(
    'everyone in analysts (shared role datalake-analysts)',
  );
  await dana.screenshot({
    path: 'test-results/access-4-approvals-inbox.png',
    fullPage: true,
  });
  await danaRow
    .getByRole('button', { name: /^Approve request of ana/ })
    .click();
  await expect(dana.getByRole('status')).toHaveText(
    `ana's request on ${TABLE} is granted`,
  );
  await expect(danaRow).toHaveCount(0);
  await dana.screenshot({
    path: 'test-results/access-5-approved.png',
    fullPage: true,
  });

  // The table's Access tab shows the grant, to the owner and to the requester.
  await openAccessTab(dana);
  const grant = dana.getByRole('row').filter({ hasText: JUSTIFICATION });
  await expect(grant).toContainText('granted');
  await expect(grant).toContainText('columns customer_id, email');
  await dana.screenshot({
    path: 'test-results/access-6-access-tab-granted.png',
    fullPage: true,
  });

  await ana.goto('/access-requests');
  const mine = ana.getByRole('row').filter({ hasText: JUSTIFICATION });
  await expect(mine).toContainText('granted');
  await expect(mine.getByRole('button', { name: /^Revoke/ })).toBeVisible();
  await ana.screenshot({
    path: 'test-results/access-7-my-requests.png',
    fullPage: true,
  });
});
