/*
 * What the browser tests share: the emulator the portal under test talks to (scripts/e2e.sh
 * exports its endpoint), the guest sign-in, and waiting for a condition.
 */
import { expect, Page } from '@playwright/test';

/** Client settings of the AWS SDK for the emulator started by scripts/e2e.sh. */
export const emulatorClientConfig = {
  endpoint: process.env.DATALAKE_AWS_ENDPOINT ?? 'http://127.0.0.1:4577',
  region: 'us-east-1',
  credentials: { accessKeyId: 'e2e', secretAccessKey: 'e2e' },
};

/** Signs in as the demo guest, and waits until the app is signed in. */
export async function signInAsGuest(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  // Signed in once the app shows its navigation; a page load before that signs out again.
  await expect(
    page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: 'Data lake' }),
  ).toBeVisible();
}

/** Reads until `read` answers something other than undefined, and returns it. */
export async function until<T>(
  what: string,
  read: () => Promise<T | undefined>,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise(resolve =>
      setTimeout(resolve, options.intervalMs ?? 1_000),
    );
  }
}
