import { Entity } from '@backstage/catalog-model';
import { defaultCatalogCollatorEntityTransformer } from '@backstage/plugin-search-backend-module-catalog';
import {
  TABLE_ENTITY_TYPES,
  TableColumn,
} from '@datalake-portal/backstage-plugin-datalake-common';

const tableTypes: string[] = Object.values(TABLE_ENTITY_TYPES);

function columnsOf(entity: Entity): TableColumn[] {
  const columns = entity.spec?.columns;
  return Array.isArray(columns) ? (columns as unknown as TableColumn[]) : [];
}

/**
 * The catalog collator's transformer, extended so that a table's column names and comments are
 * part of its search document: searching `rental_date` finds the rental tables.
 *
 * @public
 */
export const tableCollatorTransformer: typeof defaultCatalogCollatorEntityTransformer =
  entity => {
    const document = defaultCatalogCollatorEntityTransformer(entity);
    if (
      entity.kind !== 'Resource' ||
      !tableTypes.includes(String(entity.spec?.type))
    ) {
      return document;
    }
    const columnText = columnsOf(entity)
      .map(c => (c.comment ? `${c.name} (${c.comment})` : c.name))
      .join(', ');
    return {
      ...document,
      text: [document.text, columnText && `Columns: ${columnText}`]
        .filter(Boolean)
        .join('\n'),
    };
  };
