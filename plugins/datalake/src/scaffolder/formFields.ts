/*
 * The custom fields of the data lake templates for the new frontend system: one
 * `scaffolder-form-field` extension per field, loaded when the scaffolder needs it.
 */
import {
  createFormField,
  FormFieldBlueprint,
} from '@backstage/plugin-scaffolder-react/alpha';

/** `ui:field: DatalakeSourcePicker`. @alpha */
export const datalakeSourcePickerFormField = FormFieldBlueprint.make({
  name: 'datalake-source-picker',
  params: {
    field: () =>
      import('./DatalakeSourcePicker').then(m =>
        createFormField({
          name: 'DatalakeSourcePicker',
          component: m.DatalakeSourcePicker as any,
        }),
      ),
  },
});

/** `ui:field: DatalakeTablePicker`. @alpha */
export const datalakeTablePickerFormField = FormFieldBlueprint.make({
  name: 'datalake-table-picker',
  params: {
    field: () =>
      import('./DatalakeTablePicker').then(m =>
        createFormField({
          name: 'DatalakeTablePicker',
          component: m.DatalakeTablePicker as any,
          validation: m.datalakeTablePickerValidation as any,
        }),
      ),
  },
});

/** `ui:field: DatalakeColumnRenames`. @alpha */
export const datalakeColumnRenamesFormField = FormFieldBlueprint.make({
  name: 'datalake-column-renames',
  params: {
    field: () =>
      import('./DatalakeColumnRenames').then(m =>
        createFormField({
          name: 'DatalakeColumnRenames',
          component: m.DatalakeColumnRenames as any,
          validation: m.datalakeColumnRenamesValidation as any,
        }),
      ),
  },
});

/** `ui:field: DatalakeCronSchedule`. @alpha */
export const datalakeCronScheduleFormField = FormFieldBlueprint.make({
  name: 'datalake-cron-schedule',
  params: {
    field: () =>
      import('./DatalakeCronSchedule').then(m =>
        createFormField({
          name: 'DatalakeCronSchedule',
          component: m.DatalakeCronSchedule as any,
          validation: m.datalakeCronScheduleValidation as any,
        }),
      ),
  },
});

/** `ui:field: DatalakeSilverTablePicker`. @alpha */
export const datalakeSilverTablePickerFormField = FormFieldBlueprint.make({
  name: 'datalake-silver-table-picker',
  params: {
    field: () =>
      import('./DatalakeSilverTablePicker').then(m =>
        createFormField({
          name: 'DatalakeSilverTablePicker',
          component: m.DatalakeSilverTablePicker as any,
          validation: m.datalakeSilverTablePickerValidation as any,
        }),
      ),
  },
});

/** `ui:field: DatalakeGoldSql`. @alpha */
export const datalakeGoldSqlFormField = FormFieldBlueprint.make({
  name: 'datalake-gold-sql',
  params: {
    field: () =>
      import('./DatalakeGoldSql').then(m =>
        createFormField({
          name: 'DatalakeGoldSql',
          component: m.DatalakeGoldSql as any,
          validation: m.datalakeGoldSqlValidation as any,
        }),
      ),
  },
});
