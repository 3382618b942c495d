import { datalakePlugin } from './plugin';

describe('datalake', () => {
  it('should export plugin', () => {
    expect(datalakePlugin).toBeDefined();
  });
});
