import { createExtensionTester } from '@backstage/frontend-test-utils';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import {
  datalakeColumnRenamesFormField,
  datalakeCronScheduleFormField,
  datalakeGoldSqlFormField,
  datalakeSilverTablePickerFormField,
  datalakeSourcePickerFormField,
  datalakeTablePickerFormField,
} from './formFields';

describe('scaffolder form fields (new frontend system)', () => {
  it.each([
    [datalakeSourcePickerFormField, 'DatalakeSourcePicker', false],
    [datalakeTablePickerFormField, 'DatalakeTablePicker', true],
    [datalakeColumnRenamesFormField, 'DatalakeColumnRenames', true],
    [datalakeCronScheduleFormField, 'DatalakeCronSchedule', true],
    [datalakeSilverTablePickerFormField, 'DatalakeSilverTablePicker', true],
    [datalakeGoldSqlFormField, 'DatalakeGoldSql', true],
  ] as const)(
    'loads the field the templates name, with its validation',
    async (extension, name, validated) => {
      const loader = createExtensionTester(
        extension as typeof datalakeTablePickerFormField,
      ).get(FormFieldBlueprint.dataRefs.formFieldLoader);
      const field = (await loader()) as unknown as {
        name: string;
        validation?: unknown;
      };
      expect(field.name).toBe(name);
      expect(typeof field.validation === 'function').toBe(validated);
    },
  );
});
