/*
 * The benchmark's lineage: 1,000 table entities and 2,000 dependsOn edges, every table
 * downstream of one root, in 10 layers (1 root, then 9 layers of 111 tables; each table reads 1
 * to 3 tables of the layer before). Deterministic, so every run measures the same graph.
 */
import { Entity } from '@backstage/catalog-model';

export const LAYERS = 10;
export const PER_LAYER = 111;

function entity(layer: number, index: number, dependsOn: string[]): Entity {
  const name = `bench_l${layer}.t${index}`;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      namespace: 'default',
      title: name,
      annotations: {
        'datalake-portal.io/glue-database': `bench_l${layer}`,
        'datalake-portal.io/table-arn': `arn:aws:glue:us-east-1:000000000000:table/bench_l${layer}/t${index}`,
        'datalake-portal.io/layer': ['bronze', 'silver', 'gold'][layer % 3],
      },
    },
    spec: {
      type: 'iceberg-table',
      owner: 'group:default/data-engineering',
      dependsOn,
      columns: [
        { name: 'id', type: 'bigint', nullable: false, partition: false },
        { name: 'value', type: 'string', nullable: true, partition: false },
      ],
    },
  };
}

export const refOf = (layer: number, index: number) =>
  `resource:default/bench_l${layer}.t${index}`;

/** The entities, with the dependencyOf relations the catalog computes. */
export function benchEntities(): Entity[] {
  const entities: Entity[] = [entity(0, 0, [])];
  let extra = 113; // third parents, to reach exactly 2,000 edges
  for (let layer = 1; layer < LAYERS; layer++) {
    const parents = layer === 1 ? 1 : PER_LAYER;
    for (let i = 0; i < PER_LAYER; i++) {
      const count = layer === 1 ? 1 : 2 + (extra-- > 0 ? 1 : 0);
      const deps = new Set<string>();
      for (let k = 0; deps.size < count; k++) {
        deps.add(refOf(layer - 1, (i * 7 + k * 37) % parents));
      }
      entities.push(entity(layer, i, [...deps]));
    }
  }
  const byRef = new Map(
    entities.map(e => [`resource:default/${e.metadata.name}`, e]),
  );
  for (const e of entities) {
    for (const target of e.spec!.dependsOn as string[]) {
      const parent = byRef.get(target)!;
      (parent.relations ??= []).push({
        type: 'dependencyOf',
        targetRef: `resource:default/${e.metadata.name}`,
      });
      (e.relations ??= []).push({ type: 'dependsOn', targetRef: target });
    }
  }
  return entities;
}
