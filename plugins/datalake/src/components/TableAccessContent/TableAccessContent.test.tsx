import { EntityProvider } from '@backstage/plugin-catalog-react';
import { ResponseError } from '@backstage/errors';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { datalakeApiRef, DatalakeApi } from '../../api';
import { accessRequest, grantedRequest } from '../../testing/accessRequests';
import { mockDatalakeApi, rentalEntity } from '../../testing/tables';
import { TableAccessContent } from './TableAccessContent';

function render(api: DatalakeApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[datalakeApiRef, api]]}>
      <EntityProvider entity={rentalEntity}>
        <TableAccessContent />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('TableAccessContent', () => {
  it('shows the grants and pending requests of the table, not the closed ones', async () => {
    const api = mockDatalakeApi();
    api.listAccessRequests.mockResolvedValue({
      items: [
        grantedRequest({ requester: 'user:default/ana' }),
        accessRequest({
          id: 'req-3',
          requester: 'user:default/bo',
          scope: { rowFilter: 'rental_id > 10' },
        }),
        accessRequest({
          id: 'req-4',
          requester: 'user:default/cy',
          status: 'expired',
        }),
      ],
    });
    await render(api);

    expect(api.listAccessRequests).toHaveBeenCalledWith({
      view: undefined,
      entityRef: 'resource:default/sakila-silver-rental',
      status: undefined,
    });
    const ana = (await screen.findByText('ana')).closest('tr')!;
    expect(within(ana).getByText('granted')).toBeInTheDocument();
    expect(
      within(ana).getByText('columns rental_id, rental_date'),
    ).toBeInTheDocument();
    expect(
      within(ana).getByRole('button', { name: /^Revoke/ }),
    ).toBeInTheDocument();

    const bo = screen.getByText('bo').closest('tr')!;
    expect(within(bo).getByText('pending')).toBeInTheDocument();
    expect(
      within(bo).getByText('all columns; rows where rental_id > 10'),
    ).toBeInTheDocument();
    expect(within(bo).queryByRole('button')).toBeNull();

    expect(screen.queryByText('cy')).toBeNull();
  });

  it('sends a request from the dialog and shows it', async () => {
    const user = userEvent.setup();
    const api = mockDatalakeApi();
    const created = accessRequest({ scope: { columns: ['rental_id'] } });
    api.listAccessRequests
      .mockResolvedValueOnce({ items: [] })
      .mockResolvedValueOnce({ items: [created] });
    api.createAccessRequest.mockResolvedValue(created);
    await render(api);

    expect(
      await screen.findByText(/No grants or pending requests on this table/),
    ).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Request access' }));
    await user.click(
      await screen.findByRole('checkbox', { name: 'column rental_id' }),
    );
    await user.type(screen.getByLabelText(/Justification/), 'Churn');
    await user.click(screen.getByRole('button', { name: 'Send request' }));

    expect(api.createAccessRequest).toHaveBeenCalledWith(
      expect.objectContaining({
        entityRef: 'resource:default/sakila-silver-rental',
        columns: ['rental_id'],
      }),
    );
    expect(await screen.findByText('columns rental_id')).toBeInTheDocument();
    // The dialog has closed, so the confirmation is no longer hidden behind it.
    expect(await screen.findByRole('status')).toHaveTextContent(
      'Request sent; the owners of sakila_silver.rental will decide.',
    );
  });

  it('shows why the requests could not be listed', async () => {
    const api = mockDatalakeApi();
    api.listAccessRequests.mockRejectedValue(
      await ResponseError.fromResponse(
        new Response(
          JSON.stringify({
            error: {
              name: 'NotFoundError',
              message: 'No data lake table entity resource:default/x',
            },
            response: { statusCode: 404 },
          }),
          { status: 404, headers: { 'content-type': 'application/json' } },
        ),
      ),
    );
    await render(api);

    const [message] = await screen.findAllByText(
      /No data lake table entity resource:default\/x/,
    );
    expect(message).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /^Revoke/ }),
    ).not.toBeInTheDocument();
  });
});
