import fs from 'fs';
import path from 'path';
import {
  IcebergMetadataError,
  parseIcebergMetadata,
} from './parseIcebergMetadata';
import {
  currentAncestry,
  currentSnapshot,
  isDataChange,
  latestDataChange,
} from './snapshots';

function fixture(name: string): string {
  return fs.readFileSync(
    path.resolve(__dirname, '__fixtures__', `${name}.metadata.json`),
    'utf8',
  );
}

/** A fixture with some keys changed. The round trip through a double rounds 64-bit ids, so tests using it do not check them. */
function edited(name: string, edit: (doc: Record<string, any>) => void) {
  const doc = JSON.parse(fixture(name));
  edit(doc);
  return JSON.stringify(doc);
}

describe('parseIcebergMetadata', () => {
  describe('format v2, MERGE then compaction, with a side branch', () => {
    const metadata = parseIcebergMetadata(fixture('v2-merge-then-compaction'));

    it('keeps 64-bit snapshot ids exact', () => {
      // 8739211356214398652 is above 2^53: a double would turn it into 8739211356214398000.
      expect(metadata.currentSnapshotId).toBe('8739211356214398652');
      expect(metadata.snapshots.map(s => s.snapshotId)).toEqual([
        '1823554907742911256',
        '8739211356214398652',
        '5278335247536493871',
        '3051729675574597004',
      ]);
      expect(metadata.snapshots[1].parentSnapshotId).toBe(
        '5278335247536493871',
      );
    });

    it('reads the table header, properties and the current schema', () => {
      expect(metadata).toMatchObject({
        formatVersion: 2,
        tableUuid: '9c12d441-03fe-4693-9a96-a0705ddf69c1',
        location: 's3://datalake-silver-000000000000/sakila_silver/rental',
        lastUpdatedMs: 1714644000000,
        currentSchemaId: 1,
        defaultSpecId: 0,
      });
      expect(metadata.properties).toEqual({
        'write.merge.mode': 'copy-on-write',
        'write.parquet.compression-codec': 'zstd',
        'datalake-portal.io/layer': 'silver',
        'history.expire.max-snapshot-age-ms': '432000000',
      });
      expect(metadata.schema.map(c => c.name)).toEqual([
        'rental_id',
        'rental_date',
        'inventory_id',
        'customer_id',
        'return_date',
        'staff_id',
        'cdc_commit_ts',
        'amounts',
      ]);
      expect(metadata.schema[0]).toEqual({
        id: 1,
        name: 'rental_id',
        type: 'int',
        required: true,
        doc: 'Primary key in sakila.rental',
      });
      expect(metadata.schema[4]).toEqual({
        id: 5,
        name: 'return_date',
        type: 'timestamptz',
        required: false,
      });
      expect(metadata.schema[7].type).toBe(
        'list<struct<currency: string, value: decimal(5,2)>>',
      );
    });

    it('resolves the default partition spec to column names', () => {
      expect(metadata.partitionSpec).toEqual([
        {
          sourceId: 2,
          sourceColumn: 'rental_date',
          fieldId: 1000,
          transform: 'day',
          name: 'rental_date_day',
        },
        {
          sourceId: 6,
          sourceColumn: 'staff_id',
          fieldId: 1001,
          transform: 'bucket[4]',
          name: 'staff_id_bucket',
        },
      ]);
    });

    it('parses the summary counters of each snapshot', () => {
      const merge = metadata.snapshots.find(
        s => s.snapshotId === '5278335247536493871',
      );
      expect(merge).toMatchObject({
        sequenceNumber: 2,
        timestampMs: 1714557600000,
        operation: 'overwrite',
        addedRecords: 1210,
        deletedRecords: 1150,
        totalRecords: 16104,
        addedDataFiles: 3,
        deletedDataFiles: 2,
        totalDataFiles: 32,
        addedFilesSize: 38120,
        removedFilesSize: 29877,
        totalFilesSize: 410356,
      });
      expect(merge?.summary['spark.app.id']).toBe(
        'spark-application-1714557512000',
      );
    });

    it('counts the rows a reader sees: the data files less the rows position deletes remove', () => {
      const withDeletes = parseIcebergMetadata(
        edited('v2-merge-then-compaction', doc => {
          for (const snapshot of doc.snapshots) {
            snapshot.summary['total-records'] = '16104';
            snapshot.summary['total-position-deletes'] = '1150';
          }
          doc.snapshots[0].summary['total-equality-deletes'] = '3';
        }),
      );
      // The snapshot with equality deletes has no count (sort puts it last).
      expect(withDeletes.snapshots.map(s => s.totalRecords).sort()).toEqual([
        14954,
        14954,
        14954,
        undefined,
      ]);
    });

    it('takes freshness from the MERGE, not from the later compaction or the side branch', () => {
      expect(currentSnapshot(metadata)).toMatchObject({
        snapshotId: '8739211356214398652',
        operation: 'replace',
        totalRecords: 16104,
        totalFilesSize: 371004,
      });
      expect(currentAncestry(metadata).map(s => s.snapshotId)).toEqual([
        '8739211356214398652',
        '5278335247536493871',
        '3051729675574597004',
      ]);
      expect(latestDataChange(metadata)).toMatchObject({
        snapshotId: '5278335247536493871',
        operation: 'overwrite',
        timestampMs: 1714557600000,
      });
    });
  });

  describe('format v1', () => {
    const metadata = parseIcebergMetadata(fixture('v1-append-delete'));

    it('reads schema, partition spec and snapshots', () => {
      expect(metadata.formatVersion).toBe(1);
      expect(metadata.schema).toHaveLength(5);
      expect(metadata.schema[4]).toEqual({
        id: 5,
        name: 'attributes',
        type: 'map<string, string>',
        required: false,
      });
      expect(metadata.partitionSpec).toEqual([
        {
          sourceId: 4,
          sourceColumn: 'payment_date',
          fieldId: 1000,
          transform: 'month',
          name: 'payment_date_month',
        },
      ]);
      expect(metadata.snapshots.map(s => s.operation)).toEqual([
        'delete',
        'append',
        undefined,
      ]);
      expect(metadata.snapshots[2].sequenceNumber).toBeUndefined();
    });

    it('counts a delete as a data change', () => {
      expect(latestDataChange(metadata)).toMatchObject({
        snapshotId: '6917529027641081857',
        operation: 'delete',
        deletedRecords: 16049,
        totalRecords: 16049,
      });
    });

    it('treats a snapshot without summary as a possible data change', () => {
      const first = metadata.snapshots[2];
      expect(first.summary).toEqual({});
      expect(isDataChange(first)).toBe(true);
    });

    it('reads the legacy single schema and partition-spec of old v1 writers', () => {
      const legacy = parseIcebergMetadata(
        edited('v1-append-delete', doc => {
          delete doc.schemas;
          delete doc['current-schema-id'];
          delete doc['partition-specs'];
          delete doc['default-spec-id'];
          doc.schema.fields[3].name = 'paid_at';
        }),
      );
      expect(legacy.currentSchemaId).toBe(0);
      expect(legacy.defaultSpecId).toBeUndefined();
      expect(legacy.schema[3].name).toBe('paid_at');
      expect(legacy.partitionSpec).toEqual([
        {
          sourceId: 4,
          sourceColumn: 'paid_at',
          fieldId: 1000,
          transform: 'month',
          name: 'payment_date_month',
        },
      ]);
    });
  });

  describe('a table without snapshots', () => {
    it('has no current snapshot and no data change', () => {
      const metadata = parseIcebergMetadata(fixture('v2-no-snapshots'));
      expect(metadata.currentSnapshotId).toBeUndefined();
      expect(metadata.snapshots).toEqual([]);
      expect(metadata.partitionSpec).toEqual([]);
      expect(metadata.schema[2].doc).toBe('Sum of payment.amount');
      expect(currentSnapshot(metadata)).toBeUndefined();
      expect(latestDataChange(metadata)).toBeUndefined();
    });

    it('accepts the null current-snapshot-id of newer writers', () => {
      const metadata = parseIcebergMetadata(
        edited('v2-no-snapshots', doc => {
          doc['current-snapshot-id'] = null;
        }),
      );
      expect(metadata.currentSnapshotId).toBeUndefined();
    });
  });

  it('finds no data change when only a compaction is left after expiry', () => {
    // What expire_snapshots(retain_last => 1) leaves after a compaction: the parent is gone.
    const metadata = parseIcebergMetadata(
      edited('v2-no-snapshots', doc => {
        doc['current-snapshot-id'] = 7001;
        doc.snapshots = [
          {
            'sequence-number': 5,
            'snapshot-id': 7001,
            'parent-snapshot-id': 7000,
            'timestamp-ms': 1714700000000,
            summary: {
              operation: 'replace',
              'added-data-files': '1',
              'deleted-data-files': '12',
              'total-records': '365',
              'total-files-size': '9120',
            },
          },
        ];
      }),
    );
    expect(currentSnapshot(metadata)).toMatchObject({
      snapshotId: '7001',
      parentSnapshotId: '7000',
      operation: 'replace',
      totalRecords: 365,
    });
    expect(currentAncestry(metadata)).toHaveLength(1);
    expect(latestDataChange(metadata)).toBeUndefined();
  });

  it('reads format v3 metadata the same way', () => {
    const metadata = parseIcebergMetadata(
      edited('v2-no-snapshots', doc => {
        doc['format-version'] = 3;
        doc['next-row-id'] = 0;
      }),
    );
    expect(metadata.formatVersion).toBe(3);
    expect(metadata.schema).toHaveLength(3);
  });

  it.each([
    ['not json', 'not JSON'],
    ['[]', "'the document' is missing"],
    [
      edited('v2-no-snapshots', doc => {
        doc['format-version'] = 9;
      }),
      'Unsupported Iceberg format-version 9',
    ],
    [
      edited('v2-no-snapshots', doc => {
        delete doc.location;
      }),
      "'location' is missing",
    ],
    [
      edited('v2-no-snapshots', doc => {
        doc['current-schema-id'] = 4;
      }),
      'current-schema-id 4 is not in',
    ],
    [
      edited('v2-no-snapshots', doc => {
        doc['current-snapshot-id'] = 42;
      }),
      'current-snapshot-id 42 is not in',
    ],
    [
      edited('v2-no-snapshots', doc => {
        doc.snapshots = [{ 'snapshot-id': 1, summary: {} }];
      }),
      "'snapshots[0].timestamp-ms' is missing",
    ],
  ])('rejects invalid metadata (%#)', (text, message) => {
    expect(() => parseIcebergMetadata(text)).toThrow(IcebergMetadataError);
    expect(() => parseIcebergMetadata(text)).toThrow(message);
  });
});
