import { SqlDialect, quoteIdentifier } from './dialect';

/**
 * A column a pipeline with schema drift policy `evolve` added to its table after it was made (the
 * source table gained it): its name, and whether it holds text (silver cleans text columns).
 *
 * @public
 */
export type EvolvedColumn = { name: string; text: boolean };

/** The column name the slot templates stand in for; no Glue name starts with two underscores. */
const PLACEHOLDER = '__dl_column__';
const SLOT = /\/\*dl-evolved (\{.*?\})\*\//g;

/**
 * A slot at the end of a column list of generated SQL, where the job puts the columns the table
 * gained at run time (the renderer runs when the pipeline is made, before they exist). It is a SQL
 * comment holding the list item for one column, so SQL with its slots unfilled runs as it is;
 * `text` is the item for a text column when it differs. A plan of another schema drift policy
 * gets no slot, so its SQL stays as it was.
 *
 * @public
 */
export function evolvedColumnsSlot(
  plan: { evolve: boolean },
  dialect: SqlDialect,
  item: (column: string) => string,
  text: (column: string) => string = item,
): string {
  if (!plan.evolve) return '';
  const column = quoteIdentifier(PLACEHOLDER, dialect);
  return `/*dl-evolved ${JSON.stringify({
    plain: item(column),
    text: text(column),
  })}*/`;
}

/**
 * Fills the slots of generated SQL with the evolved columns, as the Spark jobs do
 * (`expand_evolved` in `spark-templates/jobs/_common.py`).
 *
 * @public
 */
export function expandEvolvedColumns(
  sql: string,
  columns: EvolvedColumn[],
  dialect: SqlDialect,
): string {
  const placeholder = quoteIdentifier(PLACEHOLDER, dialect);
  return sql.replace(SLOT, (_, json: string) => {
    const items = JSON.parse(json) as { plain: string; text: string };
    return columns
      .map(c =>
        (c.text ? items.text : items.plain)
          .split(placeholder)
          .join(quoteIdentifier(c.name, dialect)),
      )
      .join('');
  });
}
