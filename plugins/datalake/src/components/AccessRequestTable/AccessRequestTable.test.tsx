import { describeGrantee, describeScope, shortRef } from './AccessRequestTable';

describe('describeScope', () => {
  it('reads columns, excluded columns and row filters in one line', () => {
    expect(describeScope({})).toBe('all columns');
    expect(describeScope({ columns: ['a', 'b'] })).toBe('columns a, b');
    expect(describeScope({ excludeColumns: ['email'] })).toBe(
      'all columns except email',
    );
    expect(describeScope({ columns: ['a'], rowFilter: 'store_id = 1' })).toBe(
      'columns a; rows where store_id = 1',
    );
  });
});

describe('shortRef', () => {
  it('drops the default namespace only', () => {
    expect(shortRef('user:default/ana')).toBe('ana');
    expect(shortRef('user:partners/ana')).toBe('partners/ana');
  });
});

describe('describeGrantee', () => {
  it('says when a whole group gets the access through its shared role', () => {
    expect(
      describeGrantee({
        requester: 'user:default/ana',
        principal: 'arn:aws:iam::1:role/datalake-analysts',
        principalSharedBy: 'group:default/analysts',
      }),
    ).toBe('everyone in analysts (shared role datalake-analysts)');
    expect(
      describeGrantee({
        requester: 'user:default/dana',
        principal: 'arn:aws:iam::1:role/datalake-user-dana',
      }),
    ).toBe('dana (role datalake-user-dana)');
  });
});
