import {
  DATALAKE_ANNOTATIONS,
  DATALAKE_ANNOTATION_PREFIX,
  isMedallionLayer,
} from './catalogModel';

describe('catalogModel', () => {
  it('keeps every annotation under the product prefix', () => {
    for (const annotation of Object.values(DATALAKE_ANNOTATIONS)) {
      expect(annotation.startsWith(`${DATALAKE_ANNOTATION_PREFIX}/`)).toBe(
        true,
      );
      // Backstage annotation keys: a DNS prefix, a slash and a name of at most 63 characters.
      expect(annotation.split('/')[1]).toMatch(
        /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
      );
    }
  });

  it('recognises only the medallion layers', () => {
    expect(['bronze', 'silver', 'gold'].every(isMedallionLayer)).toBe(true);
    expect(isMedallionLayer('platinum')).toBe(false);
    expect(isMedallionLayer(undefined)).toBe(false);
  });
});
