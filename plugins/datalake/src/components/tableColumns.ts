import { Entity } from '@backstage/catalog-model';

/** A column as the catalog provider writes it to `spec.columns`. */
export interface TableColumnSpec {
  name: string;
  type: string;
  nullable: boolean;
  comment?: string;
  partition: boolean;
}

/** The columns of a table entity; malformed entries are skipped rather than crashing a page. */
export function tableColumnsOf(entity: Entity): TableColumnSpec[] {
  const columns = entity.spec?.columns;
  if (!Array.isArray(columns)) {
    return [];
  }
  return columns.flatMap(raw => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      return [];
    }
    const c = raw as Record<string, unknown>;
    if (typeof c.name !== 'string' || !c.name) {
      return [];
    }
    return [
      {
        name: c.name,
        type: typeof c.type === 'string' ? c.type : 'unknown',
        nullable: c.nullable !== false,
        ...(typeof c.comment === 'string' && c.comment
          ? { comment: c.comment }
          : {}),
        partition: c.partition === true,
      },
    ];
  });
}
