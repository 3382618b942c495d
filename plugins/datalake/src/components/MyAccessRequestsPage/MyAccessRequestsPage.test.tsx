import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { datalakeApiRef } from '../../api';
import { accessRequest, grantedRequest } from '../../testing/accessRequests';
import { mockDatalakeApi } from '../../testing/tables';
import { MyAccessRequestsPage } from './MyAccessRequestsPage';

describe('MyAccessRequestsPage', () => {
  it("lists the caller's requests with their state and the fitting action", async () => {
    const user = userEvent.setup();
    const api = mockDatalakeApi();
    const pending = accessRequest({ table: 'customer' });
    const granted = grantedRequest({ table: 'rental' });
    const rejected = accessRequest({
      id: 'req-3',
      table: 'payment',
      status: 'rejected',
      statusReason: 'Use the gold table instead',
    });
    api.listAccessRequests.mockResolvedValue({
      items: [pending, granted, rejected],
    });
    api.revokeAccessRequest.mockResolvedValue({
      ...pending,
      status: 'revoked',
    });
    await renderInTestApp(
      <TestApiProvider apis={[[datalakeApiRef, api]]}>
        <MyAccessRequestsPage />
      </TestApiProvider>,
    );

    expect(api.listAccessRequests).toHaveBeenCalledWith({
      view: 'mine',
      entityRef: undefined,
      status: undefined,
    });
    const row = async (table: string) =>
      (await screen.findByText(`sakila_silver.${table}`)).closest('tr')!;

    const customer = await row('customer');
    expect(within(customer).getByText('pending')).toBeInTheDocument();
    expect(
      within(customer).getByRole('button', { name: /^Withdraw/ }),
    ).toBeInTheDocument();
    expect(
      within(customer).queryByRole('button', { name: /^Revoke/ }),
    ).toBeNull();

    const rental = await row('rental');
    expect(within(rental).getByText('granted')).toBeInTheDocument();
    expect(
      within(rental).getByText(
        new Date('2024-08-16T09:00:01.000Z').toLocaleDateString(undefined, {
          year: 'numeric',
          month: 'short',
          day: 'numeric',
        }),
      ),
    ).toBeInTheDocument();
    expect(
      within(rental).getByRole('button', { name: /^Revoke/ }),
    ).toBeInTheDocument();

    const payment = await row('payment');
    expect(within(payment).getByText('rejected')).toBeInTheDocument();
    expect(
      within(payment).getByText('Use the gold table instead'),
    ).toBeInTheDocument();
    expect(within(payment).queryByRole('button')).toBeNull();

    await user.click(
      within(customer).getByRole('button', { name: /^Withdraw/ }),
    );
    expect(api.revokeAccessRequest).toHaveBeenCalledWith('req-1');
    expect(await screen.findByRole('status')).toHaveTextContent(
      "ana's request on sakila_silver.customer is revoked",
    );
  });

  it('explains how to ask when there are no requests', async () => {
    const api = mockDatalakeApi();
    api.listAccessRequests.mockResolvedValue({ items: [] });
    await renderInTestApp(
      <TestApiProvider apis={[[datalakeApiRef, api]]}>
        <MyAccessRequestsPage />
      </TestApiProvider>,
    );

    expect(
      await screen.findByText(/You have not asked for access yet/),
    ).toBeInTheDocument();
  });
});
