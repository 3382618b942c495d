/*
 * The emulated AWS Lake Formation service (REST-JSON: the SDK sends `POST /<Operation>` with a
 * JSON body).
 */
import { ServiceDefinition } from '../../core/types';
import {
  createDataCellsFilter,
  deleteDataCellsFilter,
  getDataCellsFilter,
  listDataCellsFilter,
  updateDataCellsFilter,
} from './dataCellsFilters';
import {
  addLFTagsToResource,
  createLFTag,
  deleteLFTag,
  getLFTag,
  getResourceLFTags,
  listLFTags,
  removeLFTagsFromResource,
  updateLFTag,
} from './lfTags';
import {
  batchGrantPermissions,
  batchRevokePermissions,
  grantPermissions,
  listPermissions,
  revokePermissions,
} from './permissions';

export const lakeFormationService: ServiceDefinition = {
  signingName: 'lakeformation',
  protocol: 'rest-json',
  errorMessageKey: 'Message',
  operations: {
    GrantPermissions: grantPermissions,
    RevokePermissions: revokePermissions,
    BatchGrantPermissions: batchGrantPermissions,
    BatchRevokePermissions: batchRevokePermissions,
    ListPermissions: listPermissions,
    CreateDataCellsFilter: createDataCellsFilter,
    GetDataCellsFilter: getDataCellsFilter,
    UpdateDataCellsFilter: updateDataCellsFilter,
    DeleteDataCellsFilter: deleteDataCellsFilter,
    ListDataCellsFilter: listDataCellsFilter,
    CreateLFTag: createLFTag,
    GetLFTag: getLFTag,
    UpdateLFTag: updateLFTag,
    DeleteLFTag: deleteLFTag,
    ListLFTags: listLFTags,
    AddLFTagsToResource: addLFTagsToResource,
    RemoveLFTagsFromResource: removeLFTagsFromResource,
    GetResourceLFTags: getResourceLFTags,
  },
};
