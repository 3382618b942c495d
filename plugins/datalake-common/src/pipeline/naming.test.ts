import { toGlueName, toGlueNames } from './naming';

describe('toGlueName', () => {
  it.each([
    ['MultiPoints', 'multi_points'],
    ['userID', 'user_id'],
    ['HTTPServer', 'http_server'],
    ['first name', 'first_name'],
    ['order-date', 'order_date'],
    ['select', 'select'],
    ['Größe', 'grosse'],
    ['café_crème', 'cafe_creme'],
    ['2fa', '_2fa'],
    ['__x__', 'x'],
    ['日付', 'u65e5_u4ed8'],
    ['!!!', 'col'],
  ])('%s -> %s', (input, expected) => {
    expect(toGlueName(input)).toBe(expected);
  });

  it('reports names that collide after normalisation', () => {
    expect(toGlueNames(['UserId', 'user_id', 'user-id', 'email'])).toEqual({
      names: [
        { source: 'UserId', glueName: 'user_id' },
        { source: 'user_id', glueName: 'user_id' },
        { source: 'user-id', glueName: 'user_id' },
        { source: 'email', glueName: 'email' },
      ],
      collisions: [
        { glueName: 'user_id', sources: ['UserId', 'user_id', 'user-id'] },
      ],
    });
  });
});
