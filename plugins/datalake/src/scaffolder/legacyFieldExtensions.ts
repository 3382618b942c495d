/*
 * The same fields for apps on the legacy frontend system: place them inside
 * `<ScaffolderFieldExtensions>` of the scaffolder route.
 */
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import { datalakeLegacyPlugin } from '../legacy';
import { DatalakeSourcePicker } from './DatalakeSourcePicker';
import {
  DatalakeTablePicker,
  datalakeTablePickerValidation,
} from './DatalakeTablePicker';
import {
  DatalakeColumnRenames,
  datalakeColumnRenamesValidation,
} from './DatalakeColumnRenames';
import {
  DatalakeCronSchedule,
  datalakeCronScheduleValidation,
} from './DatalakeCronSchedule';
import {
  DatalakeSilverTablePicker,
  datalakeSilverTablePickerValidation,
} from './DatalakeSilverTablePicker';
import { DatalakeGoldSql, datalakeGoldSqlValidation } from './DatalakeGoldSql';

/** @public */
export const DatalakeSourcePickerFieldExtension = datalakeLegacyPlugin.provide(
  createScaffolderFieldExtension({
    name: 'DatalakeSourcePicker',
    component: DatalakeSourcePicker,
  }),
);

/** @public */
export const DatalakeTablePickerFieldExtension = datalakeLegacyPlugin.provide(
  createScaffolderFieldExtension({
    name: 'DatalakeTablePicker',
    component: DatalakeTablePicker,
    validation: datalakeTablePickerValidation,
  }),
);

/** @public */
export const DatalakeColumnRenamesFieldExtension = datalakeLegacyPlugin.provide(
  createScaffolderFieldExtension({
    name: 'DatalakeColumnRenames',
    component: DatalakeColumnRenames,
    validation: datalakeColumnRenamesValidation,
  }),
);

/** @public */
export const DatalakeCronScheduleFieldExtension = datalakeLegacyPlugin.provide(
  createScaffolderFieldExtension({
    name: 'DatalakeCronSchedule',
    component: DatalakeCronSchedule,
    validation: datalakeCronScheduleValidation,
  }),
);

/** @public */
export const DatalakeSilverTablePickerFieldExtension =
  datalakeLegacyPlugin.provide(
    createScaffolderFieldExtension({
      name: 'DatalakeSilverTablePicker',
      component: DatalakeSilverTablePicker,
      validation: datalakeSilverTablePickerValidation,
    }),
  );

/** @public */
export const DatalakeGoldSqlFieldExtension = datalakeLegacyPlugin.provide(
  createScaffolderFieldExtension({
    name: 'DatalakeGoldSql',
    component: DatalakeGoldSql,
    validation: datalakeGoldSqlValidation,
  }),
);
