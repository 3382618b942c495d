import { Entity } from '@backstage/catalog-model';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { legacyCsvEntity, rentalEntity } from '../testing/tables';
import {
  pipelineRunsEntityContent,
  tableOverviewEntityCard,
  tableRunsEntityContent,
  tableSchemaEntityContent,
  tableSnapshotsEntityContent,
} from '.';

const service: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'rental-api' },
  spec: { type: 'service' },
};
const database: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'sakila-silver' },
  spec: { type: 'glue-database' },
};

describe('entity extensions', () => {
  it('shows the overview card on Iceberg and Glue tables only', () => {
    const tester = createExtensionTester(tableOverviewEntityCard);
    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction)!;
    expect(
      [rentalEntity, legacyCsvEntity, service, database].map(filter),
    ).toEqual([true, true, false, false]);
    expect(tester.get(EntityCardBlueprint.dataRefs.type)).toBe('info');
  });

  it('adds a Schema tab on tables and a Snapshots tab on Iceberg tables', () => {
    const schema = createExtensionTester(tableSchemaEntityContent);
    expect(schema.get(coreExtensionData.routePath)).toBe('/schema');
    expect(schema.get(EntityContentBlueprint.dataRefs.title)).toBe('Schema');
    const schemaFilter = schema.get(
      EntityContentBlueprint.dataRefs.filterFunction,
    )!;
    expect([rentalEntity, legacyCsvEntity, service].map(schemaFilter)).toEqual([
      true,
      true,
      false,
    ]);

    const snapshots = createExtensionTester(tableSnapshotsEntityContent);
    expect(snapshots.get(coreExtensionData.routePath)).toBe('/snapshots');
    expect(snapshots.get(EntityContentBlueprint.dataRefs.title)).toBe(
      'Snapshots',
    );
    const snapshotsFilter = snapshots.get(
      EntityContentBlueprint.dataRefs.filterFunction,
    )!;
    expect([rentalEntity, legacyCsvEntity].map(snapshotsFilter)).toEqual([
      true,
      false,
    ]);
  });

  it('adds a Runs tab on data pipelines, apart from the Runs tab of tables', () => {
    const pipeline: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'sakila-ingestion' },
      spec: { type: 'data-pipeline' },
    };
    const runs = createExtensionTester(pipelineRunsEntityContent);
    expect(runs.get(coreExtensionData.routePath)).toBe('/runs');
    expect(runs.get(EntityContentBlueprint.dataRefs.title)).toBe('Runs');
    const filter = runs.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    expect([pipeline, service, rentalEntity, database].map(filter)).toEqual([
      true,
      false,
      false,
      false,
    ]);
    const tableRuns = createExtensionTester(tableRunsEntityContent).get(
      EntityContentBlueprint.dataRefs.filterFunction,
    )!;
    expect([pipeline, rentalEntity].map(tableRuns)).toEqual([false, true]);
  });
});
