import { ResponseError } from '@backstage/errors';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { datalakeApiRef, DatalakeApi } from '../../api';
import { accessRequest } from '../../testing/accessRequests';
import { mockDatalakeApi } from '../../testing/tables';
import { AccessApprovalsPage } from './AccessApprovalsPage';

function render(api: DatalakeApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[datalakeApiRef, api]]}>
      <AccessApprovalsPage />
    </TestApiProvider>,
  );
}

const pending = accessRequest({
  id: 'req-7',
  database: 'sakila_silver',
  table: 'customer',
  scope: { columns: ['customer_id', 'email'] },
  justification: 'Churn analysis for Q3',
});

describe('AccessApprovalsPage', () => {
  it('lists the requests to approve and approves one', async () => {
    const user = userEvent.setup();
    const api = mockDatalakeApi();
    api.listAccessRequests
      .mockResolvedValueOnce({ items: [pending] })
      .mockResolvedValueOnce({ items: [] });
    api.approveAccessRequest.mockResolvedValue({
      ...pending,
      status: 'granted',
      decidedBy: 'user:default/dana',
    });
    await render(api);

    expect(api.listAccessRequests).toHaveBeenCalledWith({
      view: 'to-approve',
      entityRef: undefined,
      status: undefined,
    });
    const row = (await screen.findByText('sakila_silver.customer')).closest(
      'tr',
    )!;
    expect(within(row).getByText('ana')).toBeInTheDocument();
    expect(
      within(row).getByText('columns customer_id, email'),
    ).toBeInTheDocument();
    expect(within(row).getByText('pending')).toBeInTheDocument();
    expect(within(row).getByText('Churn analysis for Q3')).toBeInTheDocument();
    expect(within(row).getByText('7 days after approval')).toBeInTheDocument();

    await user.click(
      within(row).getByRole('button', {
        name: 'Approve request of ana on sakila_silver.customer',
      }),
    );

    expect(api.approveAccessRequest).toHaveBeenCalledWith('req-7');
    expect(await screen.findByRole('status')).toHaveTextContent(
      "ana's request on sakila_silver.customer is granted",
    );
    expect(
      await screen.findByText(/Nothing to decide: no pending requests/),
    ).toBeInTheDocument();
    expect(api.listAccessRequests).toHaveBeenCalledTimes(2);
  });

  it('rejects a request', async () => {
    const user = userEvent.setup();
    const api = mockDatalakeApi();
    api.listAccessRequests.mockResolvedValue({ items: [pending] });
    api.rejectAccessRequest.mockResolvedValue({
      ...pending,
      status: 'rejected',
    });
    await render(api);

    await user.click(
      await screen.findByRole('button', {
        name: 'Reject request of ana on sakila_silver.customer',
      }),
    );

    expect(api.rejectAccessRequest).toHaveBeenCalledWith('req-7');
    expect(api.approveAccessRequest).not.toHaveBeenCalled();
    expect(await screen.findByRole('status')).toHaveTextContent(
      "ana's request on sakila_silver.customer is rejected",
    );
  });

  it("shows the backend's reason when a decision is refused", async () => {
    const user = userEvent.setup();
    const api = mockDatalakeApi();
    api.listAccessRequests.mockResolvedValue({ items: [pending] });
    api.approveAccessRequest.mockRejectedValue(
      await ResponseError.fromResponse(
        new Response(
          JSON.stringify({
            error: {
              name: 'NotAllowedError',
              message: 'You may not approve your own request',
            },
            response: { statusCode: 403 },
          }),
          { status: 403, headers: { 'content-type': 'application/json' } },
        ),
      ),
    );
    await render(api);

    await user.click(
      await screen.findByRole('button', { name: /^Approve request/ }),
    );

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'You may not approve your own request',
    );
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: /^Approve request/ }),
      ).toBeEnabled(),
    );
  });

  it('says so when there is nothing to decide', async () => {
    const api = mockDatalakeApi();
    api.listAccessRequests.mockResolvedValue({ items: [] });
    await render(api);

    expect(
      await screen.findByText(/Nothing to decide: no pending requests/),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Approve/ })).toBeNull();
  });
});
