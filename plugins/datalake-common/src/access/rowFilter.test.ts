import { MAX_ROW_FILTER_LENGTH, validateRowFilter } from './rowFilter';

const columns = ['customer_id', 'store_id', 'email', 'active', 'create_date'];

describe('validateRowFilter', () => {
  it.each([
    'store_id = 1',
    "store_id = 1 AND email LIKE '%@example.com'",
    'store_id IN (1, 2, -3) OR NOT (active = true)',
    "create_date BETWEEN '2024-01-01' AND '2024-12-31'",
    'email IS NOT NULL AND (customer_id >= 10 OR customer_id < 5)',
    "email NOT LIKE 'it''s%' AND store_id NOT IN (4)",
    '"Store_Id" <> 2',
    'active IS NULL',
    'TRUE',
  ])('accepts %s', expression => {
    expect(validateRowFilter(expression, columns)).toMatchObject({
      valid: true,
    });
  });

  it('reports the columns a filter references, as the schema names them', () => {
    expect(
      validateRowFilter('STORE_ID = 1 and email is null', columns),
    ).toEqual({ valid: true, referencedColumns: ['email', 'store_id'] });
  });

  it.each([
    ['store_id = 1; DROP TABLE customer', /Semicolons are not allowed/],
    ['store_id = (SELECT 1)', /Statements are not allowed \(found SELECT\)/],
    ['store_id = 1 -- hidden', /Comments are not allowed/],
    ['salary > 10', /Unknown column 'salary' at character 1/],
    ["email = 'open", /Unterminated string literal/],
    ['store_id = ', /Unexpected end of the filter/],
    ['store_id', /Expected a comparison/],
    ['store_id IN (customer_id)', /IN lists hold literals only/],
    ['store_id BETWEEN 1 OR 2', /Expected AND/],
    ['(store_id = 1', /Expected '\)'/],
    ['store_id = 1 store_id = 2', /Unexpected 'store_id'/],
    ['email LIKE customer_id', /LIKE takes a string pattern/],
    ['store_id = 1 & 2', /Unexpected character '&'/],
    ['   ', /empty/],
  ])('refuses %s', (expression, message) => {
    const result = validateRowFilter(expression, columns);
    expect(result.valid).toBe(false);
    expect(result.valid === false && result.error).toMatch(message);
  });

  it.each([
    ['store_id\u00a0= 1', 'U+00A0', 9],
    ['store_id =\u20031', 'U+2003', 11],
    ["email = 'a\u3000b'", 'U+3000', 11],
    ['store_id = 1\u2028', 'U+2028', 13],
    ['\ufeffstore_id = 1', 'U+FEFF', 1],
    ['store_id\u200b= 1', 'U+200B', 9],
  ])('refuses Unicode whitespace in %j', (expression, code, position) => {
    expect(validateRowFilter(expression, columns)).toEqual({
      valid: false,
      error: `Unicode whitespace ${code} at character ${position} is not allowed; use plain spaces, tabs or line breaks`,
    });
  });

  it('accepts spaces, tabs and line breaks between words', () => {
    expect(
      validateRowFilter('store_id = 1\r\n\tAND\nactive = 1', columns),
    ).toEqual({ valid: true, referencedColumns: ['active', 'store_id'] });
  });

  it('refuses filters longer than Lake Formation accepts', () => {
    const long = `store_id IN (${Array.from({ length: 700 }, (_, i) => i).join(
      ', ',
    )})`;
    expect(long.length).toBeGreaterThan(MAX_ROW_FILTER_LENGTH);
    expect(validateRowFilter(long, columns)).toEqual({
      valid: false,
      error: `The row filter has ${long.length} characters; at most 2048 are allowed`,
    });
  });
});
