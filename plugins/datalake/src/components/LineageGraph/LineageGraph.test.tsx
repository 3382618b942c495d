import { renderInTestApp } from '@backstage/test-utils';
import { LineageResponse } from '@datalake-portal/backstage-plugin-datalake-common';
import { fireEvent, screen } from '@testing-library/react';
import { columnPath } from './columnPath';
import { layoutLineage } from './layoutLineage';
import { LineageGraph } from './LineageGraph';

const node = (id: string, kind: any, layer: string, extra = {}) => ({
  id,
  kind,
  label: id,
  layer,
  distance: 0,
  ...extra,
});

const graph: LineageResponse = {
  entityRef: 'resource:default/s',
  rootId: 'silver',
  depth: 3,
  nodes: [
    node('silver', 'table', 'silver', { entityRef: 'resource:default/s' }),
    node('job-s', 'glue-job', 'job', { status: 'failed' }),
    node('bronze', 'table', 'bronze', { status: 'stale' }),
    node('landing', 'landing', 'landing'),
    node('mysql', 'mysql-table', 'source'),
    node('dms', 'dms-task', 'dms'),
  ],
  edges: [
    ['mysql', 'dms'],
    ['dms', 'landing'],
    ['landing', 'bronze'],
    ['bronze', 'job-s'],
    ['job-s', 'silver'],
  ].map(([from, to]) => ({ from, to, kind: 'data' as const })),
  columnEdges: [
    {
      from: 'bronze',
      fromColumn: 'first_name',
      to: 'silver',
      toColumn: 'given_name',
      transform: 'rename',
    },
  ],
  warnings: [],
};

describe('layoutLineage', () => {
  it('lays the chain out left to right in pipeline order', () => {
    const layout = layoutLineage(graph);
    const x = (id: string) => layout.byId.get(id)!.x;
    expect(x('mysql')).toBeLessThan(x('dms'));
    expect(x('dms')).toBeLessThan(x('landing'));
    expect(x('landing')).toBeLessThan(x('bronze'));
    expect(x('bronze')).toBeLessThan(x('job-s'));
    expect(x('job-s')).toBeLessThan(x('silver'));
    expect(layout.width).toBeGreaterThan(x('silver'));
  });
});

describe('columnPath', () => {
  it('follows renames upstream from the selected column', () => {
    expect(
      columnPath(graph.columnEdges, { nodeId: 'silver', column: 'given_name' })
        .columns,
    ).toEqual([
      { nodeId: 'silver', column: 'given_name' },
      { nodeId: 'bronze', column: 'first_name' },
    ]);
  });
});

describe('LineageGraph', () => {
  it('marks failed and stale nodes and reports clicks', async () => {
    const onNodeClick = jest.fn();
    await renderInTestApp(
      <LineageGraph graph={graph} onNodeClick={onNodeClick} />,
    );
    expect(
      screen.getByLabelText('Glue job job-s (failed)'),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('bronze bronze (stale)')).toBeInTheDocument();
    fireEvent.click(screen.getByLabelText('silver silver'));
    expect(onNodeClick).toHaveBeenCalledWith(
      expect.objectContaining({ entityRef: 'resource:default/s' }),
    );
  });
});
