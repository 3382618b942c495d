import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import datalakePlugin, { datalakePage } from './index';
import { datalakeLegacyPlugin } from './legacy';

describe('datalake plugin', () => {
  it('mounts its page at /datalake in the new frontend system', () => {
    expect(datalakePlugin.id).toBe('datalake');
    const tester = createExtensionTester(datalakePage);
    expect(tester.get(coreExtensionData.routePath)).toBe('/datalake');
  });

  it('offers the same plugin id to legacy apps', () => {
    expect(datalakeLegacyPlugin.getId()).toBe('datalake');
  });
});
