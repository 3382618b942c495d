import { createRouteRef } from '@backstage/frontend-plugin-api';

export const rootRouteRef = createRouteRef();

/** The caller's access requests page. */
export const accessRequestsRouteRef = createRouteRef();

/** The approvals inbox of table owners. */
export const accessApprovalsRouteRef = createRouteRef();
