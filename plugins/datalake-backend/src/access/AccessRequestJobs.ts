/*
 * The scheduled jobs of access requests. Both run with global scope (one node of a cluster at a
 * time) and are safe to run again at any moment: every step is a conditional state transition
 * or an idempotent Lake Formation call.
 */
import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import { audited } from '@datalake-portal/backstage-plugin-datalake-node';
import { assertError } from '@backstage/errors';
import { AccessConfig } from './accessConfig';
import { AccessNotifier } from './AccessNotifier';
import { AccessRequestService, SYSTEM_ACTOR } from './AccessRequestService';
import { AccessRequestStore, StoredAccessRequest } from './AccessRequestStore';
import { grantPairs, GrantItem, planGrants } from './grantPlan';
import { LakeFormationGrants, ListedGrant } from './LakeFormationGrants';

/** What one reconcile run found and did. @public */
export type ReconcileReport = {
  /** Approved requests whose grant was missing (a crash or outage after the decision) and is now applied. */
  granted: string[];
  /** Granted requests whose grants had disappeared from Lake Formation and were put back. */
  repaired: string[];
  /** Grants to principals we manage that no active request accounts for. */
  unmanaged: Array<{
    principal: string;
    resource: string;
    permissions: string[];
  }>;
  /**
   * Grants that only ended requests (revoked, expired, failed) account for: left behind by a grant
   * that landed after its request ended, or by a crash between the two. Always revoked.
   */
  revokedEnded: Array<{
    principal: string;
    resource: string;
    permissions: string[];
  }>;
  /** Whether the unmanaged grants were revoked (`datalake.access.reconcile.revokeUnmanagedGrants`). */
  revokedUnmanaged: boolean;
  /** Requests or tables the run could not handle, with the reason; the next run retries them. */
  errors: Array<{ target: string; error: string }>;
};

/** What one expiry run did. @public */
export type ExpiryReport = {
  expired: string[];
  notified: string[];
  errors: Array<{ target: string; error: string }>;
};

/** The statuses of requests whose grants must be gone. */
const ENDED: ReadonlyArray<StoredAccessRequest['status']> = [
  'revoked',
  'expired',
  'failed',
];

const tableKey = (r: StoredAccessRequest) => `${r.database}.${r.table}`;

/** @public */
export class AccessRequestJobs {
  private readonly now: () => Date;

  constructor(
    private readonly options: {
      store: AccessRequestStore;
      service: AccessRequestService;
      grants: LakeFormationGrants;
      notifier: AccessNotifier;
      config: AccessConfig;
      logger: LoggerService;
      /** Repairs and expiries also go to Backstage's auditor. */
      auditor: AuditorService;
      now?: () => Date;
    },
  ) {
    this.now = options.now ?? (() => new Date());
  }

  private leaseCutoff(): string {
    return new Date(
      this.now().getTime() - this.options.config.grantLeaseSeconds * 1000,
    ).toISOString();
  }

  async reconcile(): Promise<ReconcileReport> {
    const { store, service, grants, config, logger } = this.options;
    const report: ReconcileReport = {
      granted: [],
      repaired: [],
      revokedEnded: [],
      unmanaged: [],
      revokedUnmanaged: config.revokeUnmanagedGrants,
      errors: [],
    };
    const fail = (target: string, e: unknown) => {
      assertError(e);
      report.errors.push({ target, error: e.message });
      logger.warn(`Access reconcile: ${target}: ${e.message}`);
    };

    // 1. Approved but never granted: the decision was committed, the grant was not.
    for (const request of await store.list({ statuses: ['approved'] })) {
      const claimed = await store.transition(request.id, {
        from: ['approved'],
        patch: { grantClaimedAt: this.now().toISOString() },
        claimedBefore: this.leaseCutoff(),
      });
      if (!claimed) continue;
      try {
        const after = await service.grant(claimed, SYSTEM_ACTOR);
        if (after.status === 'granted') report.granted.push(request.id);
      } catch (e) {
        fail(`request ${request.id}`, e);
      }
    }

    // 2. Compare what is granted with Lake Formation, table by table.
    const known = await store.list({});
    const ourPrincipals = new Set([
      ...known.map(r => r.principal),
      ...config.principals.map(p => p.principal),
    ]);
    const byTable = new Map<string, StoredAccessRequest[]>();
    for (const request of known) {
      const list = byTable.get(tableKey(request)) ?? [];
      if (request.status === 'granted') list.push(request);
      byTable.set(tableKey(request), list);
    }
    const databaseNeeds = new Map<string, Set<string>>();
    // In-flight approvals count as needed too, so that they are never taken for unmanaged grants.
    const holding = known.filter(
      r => r.status === 'granted' || r.status === 'approved',
    );
    for (const request of holding) {
      for (const pair of grantPairs(planGrants(request).items)) {
        const key = `${request.principal}|${pair}`;
        const set = databaseNeeds.get(request.database) ?? new Set();
        set.add(key);
        databaseNeeds.set(request.database, set);
      }
    }
    // What ended requests had: a grant only they account for is theirs, left behind.
    const endedPairs = new Set<string>();
    for (const request of known) {
      if (!ENDED.includes(request.status)) continue;
      for (const pair of grantPairs(planGrants(request).items)) {
        endedPairs.add(`${request.principal}|${pair}`);
      }
    }
    for (const [table, requests] of byTable) {
      const [database, ...rest] = table.split('.');
      let listed: ListedGrant[];
      try {
        listed = await grants.listGrants(database, rest.join('.'));
      } catch (e) {
        fail(`table ${table}`, e);
        continue;
      }
      const held = new Set(
        listed.flatMap(g =>
          g.permissions.map(p => `${g.principal}|${g.key}|${p}`),
        ),
      );
      for (const request of requests) {
        const plan = planGrants(request);
        const missing = [...grantPairs(plan.items)].filter(
          pair => !held.has(`${request.principal}|${pair}`),
        );
        if (missing.length === 0) continue;
        try {
          await this.auditRepair(
            {
              repair: 'restore-missing-grants',
              requestId: request.id,
              principal: request.principal,
              missing,
            },
            () => this.repair(request, plan.items, missing),
          );
          report.repaired.push(request.id);
        } catch (e) {
          fail(`request ${request.id}`, e);
        }
      }
      const needed = databaseNeeds.get(database) ?? new Set<string>();
      for (const grant of listed) {
        if (!ourPrincipals.has(grant.principal)) continue;
        const extra = grant.permissions.filter(
          p => !needed.has(`${grant.principal}|${grant.key}|${p}`),
        );
        if (extra.length === 0) continue;
        const leftBehind = extra.filter(p =>
          endedPairs.has(`${grant.principal}|${grant.key}|${p}`),
        );
        if (leftBehind.length > 0 && grant.resource) {
          try {
            await this.auditRepair(
              {
                repair: 'revoke-grant-of-ended-request',
                principal: grant.principal,
                resource: grant.key,
                permissions: leftBehind,
              },
              () =>
                grants.revoke(grant.principal, [
                  {
                    key: grant.key,
                    resource: grant.resource!,
                    permissions: leftBehind as GrantItem['permissions'],
                  },
                ]),
            );
            report.revokedEnded.push({
              principal: grant.principal,
              resource: grant.key,
              permissions: leftBehind,
            });
            logger.info(
              `Access reconcile: revoked ${leftBehind.join(', ')} on ${
                grant.key
              } from ${grant.principal}, which only ended requests had`,
            );
          } catch (e) {
            fail(`ended grant ${grant.principal} ${grant.key}`, e);
          }
        }
        const unaccounted = extra.filter(p => !leftBehind.includes(p));
        if (unaccounted.length === 0) continue;
        if (
          report.unmanaged.some(
            u => u.principal === grant.principal && u.resource === grant.key,
          )
        ) {
          continue;
        }
        report.unmanaged.push({
          principal: grant.principal,
          resource: grant.key,
          permissions: unaccounted,
        });
        if (config.revokeUnmanagedGrants && grant.resource) {
          try {
            await grants.revoke(grant.principal, [
              {
                key: grant.key,
                resource: grant.resource,
                permissions: unaccounted as GrantItem['permissions'],
              },
            ]);
          } catch (e) {
            fail(`unmanaged grant ${grant.principal} ${grant.key}`, e);
          }
        }
      }
    }
    for (const u of report.unmanaged) {
      logger.warn(
        `Lake Formation grant made outside Backstage: ${
          u.principal
        } holds ${u.permissions.join(', ')} on ${u.resource}${
          config.revokeUnmanagedGrants ? ' (revoked)' : ''
        }`,
      );
    }
    return report;
  }

  /** A reconcile repair as an `access-reconcile` auditor event. */
  private auditRepair(
    meta: { repair: string; [key: string]: string | string[] },
    run: () => Promise<void>,
  ): Promise<void> {
    return audited(
      this.options.auditor,
      {
        eventId: 'access-reconcile',
        severityLevel: 'high',
        actor: SYSTEM_ACTOR,
        meta,
      },
      run,
    );
  }

  /** Puts back the missing grants of a granted request, unless someone is revoking it. */
  private async repair(
    request: StoredAccessRequest,
    items: GrantItem[],
    missing: string[],
  ) {
    const { store, grants } = this.options;
    const claimed = await store.transition(request.id, {
      from: ['granted'],
      patch: { grantClaimedAt: this.now().toISOString() },
      claimedBefore: this.leaseCutoff(),
    });
    if (!claimed) return;
    const plan = planGrants(claimed);
    if (plan.filter) await grants.putFilter(plan.filter);
    await grants.grant(claimed.principal, items);
    const repaired = await store.transition(request.id, {
      from: ['granted'],
      patch: { grantClaimedAt: null },
      audit: {
        at: this.now().toISOString(),
        actor: SYSTEM_ACTOR,
        action: 'grant-repaired',
        details: { missing },
      },
    });
    if (!repaired) {
      // Revoked or expired while the grants were going back: take them away again, or the
      // ended request would leave live access.
      await this.options.service.revokeInLakeFormation(claimed);
    }
  }

  async expire(): Promise<ExpiryReport> {
    const { store, service, notifier, config } = this.options;
    const report: ExpiryReport = { expired: [], notified: [], errors: [] };
    const now = this.now();
    for (const request of await store.list({
      statuses: ['granted'],
      expiresBefore: now.toISOString(),
    })) {
      try {
        const ended = await audited(
          this.options.auditor,
          {
            eventId: 'access-expiry',
            severityLevel: 'medium',
            actor: SYSTEM_ACTOR,
            meta: { requestId: request.id, principal: request.principal },
          },
          () => service.end(request, 'expired', SYSTEM_ACTOR),
          r => ({ status: r.status }),
        );
        if (ended.status === 'expired') {
          report.expired.push(request.id);
          await notifier.toRequester(
            ended,
            `Access to ${ended.database}.${ended.table} expired`,
          );
        }
      } catch (e) {
        assertError(e);
        report.errors.push({
          target: `request ${request.id}`,
          error: e.message,
        });
        this.options.logger.warn(
          `Access expiry of request ${request.id} failed, retrying on the next run: ${e.message}`,
        );
      }
    }
    const noticeBefore = new Date(
      now.getTime() + config.expiryNoticeDays * 24 * 60 * 60 * 1000,
    ).toISOString();
    for (const request of await store.list({
      statuses: ['granted'],
      expiresBefore: noticeBefore,
    })) {
      const noted = await store.transition(request.id, {
        from: ['granted'],
        notExpiryNotified: true,
        patch: { expiryNotifiedAt: now.toISOString() },
        audit: {
          at: now.toISOString(),
          actor: SYSTEM_ACTOR,
          action: 'expiry-notified',
        },
      });
      if (!noted) continue;
      report.notified.push(request.id);
      await notifier.toRequester(
        noted,
        `Access to ${noted.database}.${noted.table} expires at ${noted.expiresAt}`,
        'low',
      );
    }
    return report;
  }
}
