import { screen, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { Entity } from '@backstage/catalog-model';
import { datalakeApiRef, DatalakeApi } from '../../api';
import {
  legacyCsvEntity,
  metadataFor,
  mockDatalakeApi,
  rentalEntity,
} from '../../testing/tables';
import { TableSnapshotsContent } from './TableSnapshotsContent';

function render(entity: Entity, api: DatalakeApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[datalakeApiRef, api]]}>
      <EntityProvider entity={entity}>
        <TableSnapshotsContent />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('TableSnapshotsContent', () => {
  it('lists the snapshots newest first with operation and record counts', async () => {
    const api = mockDatalakeApi();
    await render(rentalEntity, api);

    expect(
      await screen.findByText('Snapshots (format v2)'),
    ).toBeInTheDocument();
    const rows = screen
      .getAllByRole('row')
      .filter(r => within(r).queryByText(/^\d{19}$/));
    expect(rows.map(r => within(r).getByText(/^\d{19}$/).textContent)).toEqual([
      '8739211356214398652',
      '5278335247536493871',
      '3051729675574597004',
    ]);
    expect(within(rows[0]).getByText('(current)')).toBeInTheDocument();
    expect(
      within(rows[0]).getByText('replace (compaction)'),
    ).toBeInTheDocument();
    expect(within(rows[1]).getByText('overwrite (merge)')).toBeInTheDocument();
    expect(within(rows[1]).getByText('1,210')).toBeInTheDocument();
    expect(within(rows[1]).getByText('1,150')).toBeInTheDocument();
    expect(within(rows[1]).getByText(/3 hours ago/)).toBeInTheDocument();
    expect(within(rows[2]).getByText('append')).toBeInTheDocument();
    expect(within(rows[2]).getByText('–')).toBeInTheDocument();
    expect(
      screen.getByText(
        'SELECT * FROM glue_catalog.sakila_silver.rental VERSION AS OF 8739211356214398652',
      ),
    ).toBeInTheDocument();
    expect(api.getTableMetadata).toHaveBeenCalledWith(
      'resource:default/sakila-silver-rental',
    );
  });

  it('says so when the table has no snapshots yet', async () => {
    const api = mockDatalakeApi();
    api.getTableMetadata.mockResolvedValue({
      ...metadataFor(Date.now()),
      currentSnapshotId: null,
      snapshots: [],
    });
    await render(rentalEntity, api);
    expect(await screen.findByText('No snapshots yet')).toBeInTheDocument();
  });

  it('shows the backend error', async () => {
    const api = mockDatalakeApi();
    api.getTableMetadata.mockRejectedValue(
      new Error('ServiceUnavailableError: SlowDown'),
    );
    await render(rentalEntity, api);
    expect(
      await screen.findAllByText(/ServiceUnavailableError: SlowDown/),
    ).not.toHaveLength(0);
    expect(screen.queryByText(/Snapshots \(format/)).toBeNull();
  });

  it('does not call the backend for a table without Iceberg metadata', async () => {
    const api = mockDatalakeApi();
    await render(legacyCsvEntity, api);
    expect(await screen.findByText('No snapshot history')).toBeInTheDocument();
    expect(api.getTableMetadata).not.toHaveBeenCalled();
  });
});
