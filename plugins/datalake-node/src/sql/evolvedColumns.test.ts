import {
  planBronzeMerge,
  renderBronzeMerge,
  renderChangeProjection,
} from './bronzeMerge';
import { buildPipelineSpec } from './buildPipelineSpec';
import { expandEvolvedColumns } from './evolvedColumns';
import { parseMysqlDdl } from './mysqlDdl';
import { planSilverMerge, renderSilverMerge } from './silverMerge';

const DDL = `CREATE TABLE shop.items (id INT NOT NULL PRIMARY KEY, name VARCHAR(20));`;

function spec(schemaDrift: 'fail' | 'ignore' | 'evolve') {
  return buildPipelineSpec(parseMysqlDdl(DDL)[0], {
    landingPath: 's3://landing',
    format: 'parquet',
    schemaDrift,
  });
}

describe('evolved-column slots', () => {
  it('are rendered only under schema drift policy evolve, so other pipelines keep their SQL', () => {
    for (const policy of ['fail', 'ignore'] as const) {
      const plan = planBronzeMerge(spec(policy));
      expect(renderBronzeMerge(plan, 'spark', ['t'], 'c')).not.toContain(
        'dl-evolved',
      );
      expect(
        renderSilverMerge(planSilverMerge(spec(policy)), 'spark', ['s'], 'c'),
      ).not.toContain('dl-evolved');
    }
    const sql = renderBronzeMerge(
      planBronzeMerge(spec('evolve')),
      'spark',
      ['t'],
      'c',
    );
    // Unfilled, the slots are comments: the SQL is the one without evolved columns.
    expect(expandEvolvedColumns(sql, [], 'spark')).toBe(
      renderBronzeMerge(planBronzeMerge(spec('fail')), 'spark', ['t'], 'c'),
    );
  });

  it('take each evolved column into every column list of the bronze merge and projection', () => {
    const plan = planBronzeMerge(spec('evolve'));
    const columns = [
      { name: 'rarity', text: true },
      { name: 'weight', text: false },
    ];
    const merge = expandEvolvedColumns(
      renderBronzeMerge(plan, 'duckdb', ['t'], 'c'),
      columns,
      'duckdb',
    );
    expect(merge).toContain(
      'ranked."_dl_source_row", ranked."rarity", ranked."weight"',
    );
    expect(merge).toContain(
      '"_dl_source_row" = s."_dl_source_row", "rarity" = s."rarity", "weight" = s."weight"',
    );
    expect(merge).toContain('"_dl_source_row", "rarity", "weight") VALUES (');
    expect(merge).toContain('s."_dl_source_row", s."rarity", s."weight")');
    expect(
      expandEvolvedColumns(
        renderChangeProjection(plan, 'spark', 'raw'),
        columns,
        'spark',
      ),
    ).toContain(
      ', r.`rarity` AS `rarity`, r.`weight` AS `weight`\nFROM raw AS r',
    );
  });

  it('clean evolved text in silver as the other text columns are cleaned', () => {
    const merge = expandEvolvedColumns(
      renderSilverMerge(planSilverMerge(spec('evolve')), 'spark', ['s'], 'c'),
      [
        { name: 'rarity', text: true },
        { name: 'weight', text: false },
      ],
      'spark',
    );
    expect(merge).toContain(
      "ranked.`_dl_deleted`, CASE WHEN TRIM(ranked.`rarity`) IN ('') THEN NULL ELSE TRIM(ranked.`rarity`) END AS `rarity`, ranked.`weight` AS `weight`",
    );
    expect(merge).toContain('`rarity` = s.`rarity`, `weight` = s.`weight`');
    expect(merge).toContain(
      '`name`, `rarity`, `weight`) VALUES (s.`id`, s.`name`, s.`rarity`, s.`weight`)',
    );
  });

  it('quote column names for their dialect', () => {
    const sql = renderBronzeMerge(
      planBronzeMerge(spec('evolve')),
      'spark',
      ['t'],
      'c',
    );
    expect(
      expandEvolvedColumns(sql, [{ name: 'odd`name', text: false }], 'spark'),
    ).toContain('ranked.`odd``name`');
  });
});

describe('schema drift policies and the landing format', () => {
  it('refuses ignore and evolve for CSV landing files, which name no columns', () => {
    for (const schemaDrift of ['ignore', 'evolve'] as const) {
      expect(() =>
        buildPipelineSpec(parseMysqlDdl(DDL)[0], {
          landingPath: 's3://landing',
          format: 'csv',
          schemaDrift,
        }),
      ).toThrow(
        `table 'items': schema drift policy '${schemaDrift}' needs the parquet landing format; CSV files name no columns, so only 'fail' applies to them`,
      );
    }
    expect(
      buildPipelineSpec(parseMysqlDdl(DDL)[0], {
        landingPath: 's3://landing',
        format: 'csv',
      }).schemaDrift,
    ).toBe('fail');
  });
});
