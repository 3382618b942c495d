import {
  formatUpstreamParameter,
  parseUpstreamParameter,
  UpstreamRef,
} from './tableParameters';

describe('upstream parameter', () => {
  it('round-trips Glue and MySQL upstreams', () => {
    const refs: UpstreamRef[] = [
      { kind: 'mysql', sourceId: 'sakila', schema: 'sakila', table: 'rental' },
      { kind: 'glue', database: 'sakila_bronze', table: 'rental' },
    ];
    const text = formatUpstreamParameter(refs);
    expect(text).toBe('mysql:sakila/sakila.rental,sakila_bronze.rental');
    expect(parseUpstreamParameter(text)).toEqual(refs);
  });

  it('skips malformed entries instead of failing', () => {
    expect(
      parseUpstreamParameter(' sakila_silver.film , junk, mysql:broken, a.b.c'),
    ).toEqual([{ kind: 'glue', database: 'sakila_silver', table: 'film' }]);
    expect(parseUpstreamParameter(undefined)).toEqual([]);
  });
});
