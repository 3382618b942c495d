/*
 * The source inspection report travels from the inspect step to the steps that build the pipeline
 * as template data, which the template's author controls. The report decides the columns, types
 * and keys of every table and job, so the steps must not take a report the server did not make:
 * the inspect step seals it with a key only this backend holds, and the other steps accept only a
 * report whose seal matches, for the same source.
 *
 * The key lives in memory and is made when the backend starts. A task runs all its steps in one
 * backend instance, so that instance verifies what it sealed; a task recovered on another
 * instance starts over from its first step (the scaffolder's `startOver` recovery) and seals anew.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { InputError } from '@backstage/errors';

/** The report field that holds the seal. */
export const SEAL_FIELD = 'seal';

/** JSON with object keys sorted, so that the seal does not depend on key order in storage. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          // Keys of one object are distinct, so this order is total.
          Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : v,
  );
}

/**
 * Seals inspection reports and checks seals.
 *
 * @public
 */
export class InspectionSeal {
  static create(): InspectionSeal {
    return new InspectionSeal(randomBytes(32));
  }

  private constructor(private readonly key: Buffer) {}

  private mac(sourceId: string, report: Record<string, unknown>): string {
    return createHmac('sha256', this.key)
      .update(sourceId)
      .update('\n')
      .update(canonicalJson(report))
      .digest('base64url');
  }

  /** The report with its seal, for the source it was made from. */
  seal(
    sourceId: string,
    report: Record<string, unknown>,
  ): Record<string, unknown> {
    const { [SEAL_FIELD]: _ignored, ...body } = report;
    return { ...body, [SEAL_FIELD]: this.mac(sourceId, body) };
  }

  /**
   * The report without its seal, when the seal is this backend's for this source; an
   * `InputError` otherwise.
   */
  open(
    sourceId: string,
    report: Record<string, unknown>,
  ): Record<string, unknown> {
    const { [SEAL_FIELD]: seal, ...body } = report;
    const expected = Buffer.from(this.mac(sourceId, body));
    const given = Buffer.from(typeof seal === 'string' ? seal : '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new InputError(
        `inspection is not a report that datalake:mysql:source:inspect made for source '${sourceId}' in this task: pass \${{ steps.<inspect step>.output.report }} unchanged (a report from another source, another backend instance or an edited one is refused)`,
      );
    }
    return body;
  }
}
