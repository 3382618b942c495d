import { ResponseError } from '@backstage/errors';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { fireEvent, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { datalakeApiRef, DatalakeApi } from '../../api';
import { accessRequest } from '../../testing/accessRequests';
import { mockDatalakeApi, rentalEntity } from '../../testing/tables';
import { AccessRequestDialog } from './AccessRequestDialog';

async function render(
  api: DatalakeApi,
  handlers: { onClose?: () => void; onCreated?: () => void } = {},
) {
  await renderInTestApp(
    <TestApiProvider apis={[[datalakeApiRef, api]]}>
      <AccessRequestDialog
        entity={rentalEntity}
        open
        onClose={handlers.onClose ?? jest.fn()}
        onCreated={handlers.onCreated}
      />
    </TestApiProvider>,
  );
}

const sendButton = () => screen.getByRole('button', { name: 'Send request' });

describe('AccessRequestDialog', () => {
  // Typing some fifty characters into a Material UI dialog takes seconds when CI shares two cores.
  it("offers the table's columns and sends the chosen ones with the form", async () => {
    const user = userEvent.setup();
    const api = mockDatalakeApi();
    const created = accessRequest();
    api.createAccessRequest.mockResolvedValue(created);
    const onClose = jest.fn();
    const onCreated = jest.fn();
    await render(api, { onClose, onCreated });

    expect(
      screen.getByText('Request access to sakila-silver-rental'),
    ).toBeInTheDocument();
    for (const column of ['rental_id', 'rental_date', 'return_date']) {
      expect(
        screen.getByRole('checkbox', { name: `column ${column}` }),
      ).not.toBeChecked();
    }
    // Nothing is sent without a justification.
    expect(sendButton()).toBeDisabled();

    await user.click(
      screen.getByRole('checkbox', { name: 'column rental_id' }),
    );
    await user.click(
      screen.getByRole('checkbox', { name: 'column return_date' }),
    );
    await user.type(
      screen.getByLabelText(/Row filter/),
      "rental_date > '2005-06-01'",
    );
    await user.click(screen.getByRole('checkbox', { name: 'DESCRIBE' }));
    const duration = screen.getByLabelText('Duration (days)');
    await user.clear(duration);
    await user.type(duration, '14');
    await user.type(
      screen.getByLabelText(/Justification/),
      '  Churn analysis for Q3 ',
    );
    await user.click(sendButton());

    expect(api.createAccessRequest).toHaveBeenCalledTimes(1);
    expect(api.createAccessRequest).toHaveBeenCalledWith({
      entityRef: 'resource:default/sakila-silver-rental',
      columns: ['rental_id', 'return_date'],
      rowFilter: "rental_date > '2005-06-01'",
      permissions: ['SELECT', 'DESCRIBE'],
      durationDays: 14,
      justification: 'Churn analysis for Q3',
    });
    expect(onCreated).toHaveBeenCalledWith(created);
    expect(onClose).toHaveBeenCalled();
  }, 30_000);

  it('asks for the whole table when no column is picked', async () => {
    const user = userEvent.setup();
    const api = mockDatalakeApi();
    api.createAccessRequest.mockResolvedValue(accessRequest());
    await render(api);

    await user.type(screen.getByLabelText(/Justification/), 'Audit');
    await user.click(sendButton());

    expect(api.createAccessRequest).toHaveBeenCalledWith({
      entityRef: 'resource:default/sakila-silver-rental',
      permissions: ['SELECT'],
      durationDays: 30,
      justification: 'Audit',
    });
  });

  it('explains a bad row filter while typing and sends nothing', async () => {
    const user = userEvent.setup();
    const api = mockDatalakeApi();
    await render(api);
    await user.type(screen.getByLabelText(/Justification/), 'Churn');

    const rowFilter = screen.getByLabelText(/Row filter/);
    await user.type(rowFilter, 'store_id = 1; DROP TABLE rental');
    expect(
      screen.getByText(/Semicolons are not allowed at character 13/),
    ).toBeInTheDocument();
    expect(sendButton()).toBeDisabled();

    await user.clear(rowFilter);
    await user.type(rowFilter, 'staff_id = 1');
    expect(
      screen.getByText("Unknown column 'staff_id' at character 1"),
    ).toBeInTheDocument();
    expect(sendButton()).toBeDisabled();

    // Even a click that gets through the disabled button sends nothing.
    fireEvent.click(sendButton());
    expect(api.createAccessRequest).not.toHaveBeenCalled();
    // Some sixty characters typed: the same budget as the first test, for a loaded CI machine.
  }, 30_000);

  it('refuses a duration that is not a whole number of days', async () => {
    const user = userEvent.setup();
    const api = mockDatalakeApi();
    await render(api);
    await user.type(screen.getByLabelText(/Justification/), 'Churn');
    const duration = screen.getByLabelText('Duration (days)');
    await user.clear(duration);
    await user.type(duration, '0');

    expect(screen.getByText('A whole number of days')).toBeInTheDocument();
    expect(sendButton()).toBeDisabled();
  });

  it("shows the backend's message when the request is refused and stays open", async () => {
    const user = userEvent.setup();
    const api = mockDatalakeApi();
    api.createAccessRequest.mockRejectedValue(
      await ResponseError.fromResponse(
        new Response(
          JSON.stringify({
            error: {
              name: 'InputError',
              message: 'durationDays must be at most 90, got 120',
            },
            response: { statusCode: 400 },
          }),
          { status: 400, headers: { 'content-type': 'application/json' } },
        ),
      ),
    );
    const onClose = jest.fn();
    await render(api, { onClose });
    const duration = screen.getByLabelText('Duration (days)');
    await user.clear(duration);
    await user.type(duration, '120');
    await user.type(screen.getByLabelText(/Justification/), 'Churn');
    await user.click(sendButton());

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'durationDays must be at most 90, got 120',
    );
    expect(onClose).not.toHaveBeenCalled();
  });
});
