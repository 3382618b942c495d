import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { datalakeApiRef } from '../../api';
import { mockDatalakeApi } from '../../testing/tables';
import { fieldProps, inspection } from '../__testUtils__/sourceReports';
import {
  DatalakeColumnRenames,
  datalakeColumnRenamesValidation,
} from './DatalakeColumnRenames';

describe('DatalakeColumnRenames', () => {
  it('prefills snake_case names and flags invalid and duplicate ones as they are typed', async () => {
    const api = mockDatalakeApi();
    api.inspectSource.mockResolvedValue({
      ...inspection,
      tables: inspection.tables.filter(t => t.name === 'actor'),
    });
    const form = { sourceId: 'sakila', tables: ['actor'] };
    const props = fieldProps<Record<string, Record<string, string>>>(
      undefined,
      form,
    );
    const { rerender } = await renderInTestApp(
      <TestApiProvider apis={[[datalakeApiRef, api]]}>
        <DatalakeColumnRenames {...props} />
      </TestApiProvider>,
    );
    await waitFor(() =>
      expect(props.onChange).toHaveBeenCalledWith({
        actor: {
          actor_id: 'actor_id',
          first_name: 'first_name',
          last_name: 'last_name',
        },
      }),
    );
    expect(api.inspectSource).toHaveBeenCalledWith('sakila', ['actor']);

    const edited = fieldProps(
      {
        actor: {
          actor_id: 'actor_id',
          first_name: 'Given Name',
          last_name: 'actor_id',
        },
      },
      form,
    );
    rerender(
      <TestApiProvider apis={[[datalakeApiRef, api]]}>
        <DatalakeColumnRenames {...edited} />
      </TestApiProvider>,
    );
    expect(
      await screen.findByText(
        /Silver column name 'Given Name' for actor.first_name is invalid/,
      ),
    ).toBeInTheDocument();
    // Both columns that share the name are flagged.
    expect(
      screen.getAllByText(
        /Silver column name 'actor_id' is used twice in table actor/,
      ),
    ).toHaveLength(2);
    expect(
      screen.getByText(/Merge key: actor_id \(primary key\)/),
    ).toBeInTheDocument();

    fireEvent.change(screen.getByLabelText('silver name of actor.firstName'), {
      target: { value: 'given_name' },
    });
    expect(edited.onChange).toHaveBeenLastCalledWith({
      actor: {
        actor_id: 'actor_id',
        first_name: 'given_name',
        last_name: 'actor_id',
      },
    });
  });
});

describe('datalakeColumnRenamesValidation', () => {
  it('refuses an invalid and a duplicate name with the messages the server uses', () => {
    const validation = { addError: jest.fn() };
    datalakeColumnRenamesValidation(
      {
        film: {
          title: 'Film Title',
          description: 'film_id',
          film_id: 'film_id',
        },
      },
      validation as any,
      {} as any,
    );
    expect(validation.addError.mock.calls.map(([m]) => m)).toEqual([
      "Silver column name 'Film Title' for film.title is invalid: use lower-case letters, digits and underscores, starting with a letter or underscore (at most 255 characters).",
      "Silver column name 'film_id' is used twice in table film (for description and film_id).",
    ]);
  });
});
