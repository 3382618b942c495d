/* Access requests shared by the access component tests. */
import { AccessRequest } from '@datalake-portal/backstage-plugin-datalake-common';

/** A request on `sakila_silver.rental` with sensible defaults; pass what the test is about. */
export function accessRequest(
  overrides: Partial<AccessRequest> = {},
): AccessRequest {
  return {
    id: 'req-1',
    entityRef: 'resource:default/sakila-silver-rental',
    database: 'sakila_silver',
    table: 'rental',
    tableOwner: 'group:default/data-eng',
    requester: 'user:default/ana',
    principal: 'arn:aws:iam::000000000000:role/datalake-analysts',
    requestedScope: { columns: ['rental_id', 'rental_date'] },
    scope: { columns: ['rental_id', 'rental_date'] },
    permissions: ['SELECT'],
    justification: 'Churn analysis for Q3',
    durationDays: 7,
    status: 'pending',
    createdAt: '2024-08-09T08:00:00.000Z',
    updatedAt: '2024-08-09T08:00:00.000Z',
    ...overrides,
  };
}

/** The same request once granted by dana. */
export function grantedRequest(overrides: Partial<AccessRequest> = {}) {
  return accessRequest({
    id: 'req-2',
    status: 'granted',
    decidedBy: 'user:default/dana',
    decidedAt: '2024-08-09T09:00:00.000Z',
    grantedAt: '2024-08-09T09:00:01.000Z',
    expiresAt: '2024-08-16T09:00:01.000Z',
    ...overrides,
  });
}
