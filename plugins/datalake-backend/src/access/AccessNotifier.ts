/*
 * Notifications of the access request flow. A notification that cannot be delivered is logged
 * and does not undo or fail the decision that caused it: the decision is already committed and
 * audited, and the request's state is what users see on their pages.
 */
import { LoggerService } from '@backstage/backend-plugin-api';
import { assertError } from '@backstage/errors';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { StoredAccessRequest } from './AccessRequestStore';

const LINK_MINE = '/access-requests';
const LINK_INBOX = '/access-approvals';

/** @public */
export class AccessNotifier {
  constructor(
    private readonly notifications: NotificationService | undefined,
    private readonly logger: LoggerService,
  ) {}

  newRequest(request: StoredAccessRequest) {
    return this.send(
      request,
      [request.tableOwner],
      {
        title: `Access request for ${request.database}.${request.table}`,
        description: `${request.requester} asks for ${request.permissions.join(
          ', ',
        )} for ${request.durationDays} days: ${request.justification}`,
        link: LINK_INBOX,
        severity: 'normal',
        topic: 'datalake-access-request',
      },
      request.requester,
    );
  }

  toRequester(
    request: StoredAccessRequest,
    title: string,
    severity: 'low' | 'normal' | 'high' = 'normal',
  ) {
    return this.send(request, [request.requester], {
      title,
      description: request.statusReason ?? request.decisionComment,
      link: LINK_MINE,
      severity,
      topic: 'datalake-access-request',
    });
  }

  private async send(
    request: StoredAccessRequest,
    entityRef: string[],
    payload: {
      title: string;
      description?: string;
      link: string;
      severity: 'low' | 'normal' | 'high';
      topic: string;
    },
    excludeEntityRef?: string,
  ) {
    if (!this.notifications) return;
    try {
      await this.notifications.send({
        recipients: {
          type: 'entity',
          entityRef,
          ...(excludeEntityRef ? { excludeEntityRef } : {}),
        },
        payload: { ...payload, scope: `datalake-access-request:${request.id}` },
      });
    } catch (e) {
      assertError(e);
      this.logger.warn(
        `Could not notify ${entityRef.join(', ')} about access request ${
          request.id
        }: ${e.message}`,
      );
    }
  }
}
