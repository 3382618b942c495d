/*
 * Amazon EventBridge Scheduler (REST-JSON, signing name `scheduler`): schedules in the default
 * group, created, read, updated, listed and deleted as the API reference describes
 * (https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html), and fired
 * on the emulator clock: a Step Functions state machine target starts an execution with the
 * target's Input ("Using templated targets",
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-templated.html), a
 * universal target `arn:aws:scheduler:::aws-sdk:<service>:<apiAction>` calls that API with the
 * Input as its request parameters ("Using universal targets",
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-universal.html).
 */
import { makeArn, parseArn } from '../../core/arn';
import { pageSize, paginate } from '../../core/pagination';
import {
  AwsError,
  RawHttpRequest,
  ServiceContext,
  ServiceDefinition,
} from '../../core/types';
import {
  checkTimezone,
  instantOf,
  nextCronTime,
  parseScheduleExpression,
} from './expressions';

export type StoredSchedule = {
  Name: string;
  GroupName: string;
  Arn: string;
  Region: string;
  ScheduleExpression: string;
  ScheduleExpressionTimezone?: string;
  Description?: string;
  StartDate?: number;
  EndDate?: number;
  State: 'ENABLED' | 'DISABLED';
  FlexibleTimeWindow: {
    Mode: 'OFF' | 'FLEXIBLE';
    MaximumWindowInMinutes?: number;
  };
  Target: Record<string, any> & {
    Arn: string;
    RoleArn: string;
    Input?: string;
  };
  ActionAfterCompletion: 'NONE' | 'DELETE';
  KmsKeyArn?: string;
  CreationDate: number;
  LastModificationDate: number;
  /** Emulator time (ms) the schedule's recurrence counts from: creation or last update. */
  anchorMs: number;
  /** Scheduled time (ms) of the last invocation, so that a restart does not repeat it. */
  lastFiredMs?: number;
};

/** One invocation the emulator made, for tests and the admin route. */
export type Invocation = {
  scheduleArn: string;
  scheduledTime: string;
  targetArn: string;
  outcome: 'succeeded' | 'failed';
  result?: unknown;
  error?: string;
};

const DEFAULT_GROUP = 'default';
const NAME = /^[0-9a-zA-Z-_.]{1,64}$/;
const ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/.+$/;
const MINUTE = 60_000;
const MAX_INVOCATIONS = 1000;

const schedules = (ctx: ServiceContext) =>
  ctx.state.collection<StoredSchedule>('scheduler.schedules');
const keyOf = (region: string, group: string, name: string) =>
  `${region}/${group}/${name}`;
const seconds = (ms: number) => ms / 1000;

function validation(message: string): AwsError {
  return new AwsError('ValidationException', message);
}

function epochMs(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms =
    typeof value === 'number' ? value * 1000 : Date.parse(String(value));
  if (!Number.isFinite(ms)) throw validation(`${field} is not a timestamp`);
  return ms;
}

function groupOf(input: any): string {
  const group = input.GroupName ?? DEFAULT_GROUP;
  if (typeof group !== 'string' || !NAME.test(group)) {
    throw validation(`Invalid GroupName ${group}`);
  }
  if (group !== DEFAULT_GROUP) {
    // Only the default group is emulated; AWS answers this way for a group that does not exist.
    throw new AwsError(
      'ResourceNotFoundException',
      `Schedule group ${group} does not exist.`,
      404,
    );
  }
  return group;
}

function nameOf(input: any): string {
  if (typeof input.Name !== 'string' || !NAME.test(input.Name)) {
    throw validation(
      `1 validation error detected: Value '${input.Name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9a-zA-Z-_.]+`,
    );
  }
  return input.Name;
}

/** The writable fields of CreateSchedule/UpdateSchedule, checked as AWS checks them. */
function scheduleFields(input: any, ctx: ServiceContext) {
  parseScheduleExpression(input.ScheduleExpression);
  const zone = checkTimezone(input.ScheduleExpressionTimezone);
  const window = input.FlexibleTimeWindow;
  if (!window || (window.Mode !== 'OFF' && window.Mode !== 'FLEXIBLE')) {
    throw validation('FlexibleTimeWindow.Mode must be OFF or FLEXIBLE');
  }
  if (window.Mode === 'FLEXIBLE') {
    const max = window.MaximumWindowInMinutes;
    if (!Number.isInteger(max) || max < 1 || max > 1440) {
      throw validation(
        'MaximumWindowInMinutes must be between 1 and 1440 when Mode is FLEXIBLE',
      );
    }
  } else if (window.MaximumWindowInMinutes !== undefined) {
    throw validation(
      'MaximumWindowInMinutes is only allowed when Mode is FLEXIBLE',
    );
  }
  const target = input.Target;
  if (!target || typeof target.Arn !== 'string' || !target.Arn) {
    throw validation('Target.Arn is required');
  }
  if (typeof target.RoleArn !== 'string' || !ROLE_ARN.test(target.RoleArn)) {
    throw validation(`Invalid RoleArn ${target.RoleArn}`);
  }
  if (target.Input !== undefined && typeof target.Input !== 'string') {
    throw validation('Target.Input must be a string');
  }
  const universal =
    /^arn:aws:scheduler:::aws-sdk:([a-z0-9-]+):([a-zA-Z0-9]+)$/.exec(
      target.Arn,
    );
  if (universal && target.Input !== undefined) {
    try {
      JSON.parse(target.Input);
    } catch {
      // A universal target's Input is the API's request, so it has to be JSON.
      throw validation('Target.Input of a universal target must be JSON');
    }
  } else if (!universal && !parseArn(target.Arn)) {
    throw validation(`Invalid Target.Arn ${target.Arn}`);
  }
  const state = input.State ?? 'ENABLED';
  if (state !== 'ENABLED' && state !== 'DISABLED') {
    throw validation('State must be ENABLED or DISABLED');
  }
  const after = input.ActionAfterCompletion ?? 'NONE';
  if (after !== 'NONE' && after !== 'DELETE') {
    throw validation('ActionAfterCompletion must be NONE or DELETE');
  }
  const start = epochMs(input.StartDate, 'StartDate');
  const end = epochMs(input.EndDate, 'EndDate');
  if (start !== undefined && end !== undefined && end <= start) {
    throw validation('The EndDate must be after the StartDate.');
  }
  if (end !== undefined && end <= ctx.clock.now().getTime()) {
    throw validation('The EndDate must be in the future.');
  }
  if (typeof input.Description === 'string' && input.Description.length > 512) {
    throw validation('Description has at most 512 characters');
  }
  return {
    ScheduleExpression: input.ScheduleExpression as string,
    ...(input.ScheduleExpressionTimezone
      ? { ScheduleExpressionTimezone: zone }
      : {}),
    ...(input.Description !== undefined
      ? { Description: String(input.Description) }
      : {}),
    ...(start !== undefined ? { StartDate: seconds(start) } : {}),
    ...(end !== undefined ? { EndDate: seconds(end) } : {}),
    State: state as StoredSchedule['State'],
    FlexibleTimeWindow: {
      Mode: window.Mode,
      ...(window.Mode === 'FLEXIBLE'
        ? { MaximumWindowInMinutes: window.MaximumWindowInMinutes }
        : {}),
    },
    Target: structuredClone(target),
    ActionAfterCompletion: after as StoredSchedule['ActionAfterCompletion'],
    ...(input.KmsKeyArn ? { KmsKeyArn: String(input.KmsKeyArn) } : {}),
  };
}

function getStored(input: any, ctx: ServiceContext): StoredSchedule {
  const name = nameOf(input);
  const group = groupOf(input);
  const found = schedules(ctx).get(keyOf(ctx.region, group, name));
  if (!found) {
    throw new AwsError(
      'ResourceNotFoundException',
      `Schedule ${name} does not exist.`,
      404,
    );
  }
  return found;
}

/** What GetSchedule shows: the stored schedule without the emulator's bookkeeping. */
function describe(s: StoredSchedule) {
  const { anchorMs, lastFiredMs, Region, ...visible } = s;
  void anchorMs;
  void lastFiredMs;
  void Region;
  return visible;
}

/**
 * The next scheduled time of a schedule after its last invocation (or its first one), in
 * emulator ms; `undefined` when it will not fire again.
 */
export function nextFireTime(s: StoredSchedule): number | undefined {
  const parsed = parseScheduleExpression(s.ScheduleExpression);
  const zone = s.ScheduleExpressionTimezone ?? 'UTC';
  if (parsed.kind === 'at') {
    // StartDate and EndDate do not apply to one-time schedules (CreateSchedule reference).
    if (s.lastFiredMs !== undefined) return undefined;
    return instantOf(parsed.local, zone);
  }
  const startMs = s.StartDate !== undefined ? s.StartDate * 1000 : undefined;
  let next: number | undefined;
  if (parsed.kind === 'rate') {
    // Without a StartDate a rate schedule starts invoking at once, then every interval.
    const origin = startMs ?? s.anchorMs;
    const after = Math.max(origin, s.anchorMs);
    const firstIndex = Math.ceil((after - origin) / parsed.intervalMs);
    const lastIndex =
      s.lastFiredMs === undefined
        ? firstIndex - 1
        : Math.floor((s.lastFiredMs - origin) / parsed.intervalMs);
    next = origin + Math.max(firstIndex, lastIndex + 1) * parsed.intervalMs;
  } else {
    const from = Math.max(
      s.anchorMs,
      startMs ?? 0,
      s.lastFiredMs !== undefined ? s.lastFiredMs + 1 : 0,
    );
    next = nextCronTime(parsed, zone, from);
  }
  if (next === undefined) return undefined;
  if (s.EndDate !== undefined && next >= s.EndDate * 1000) return undefined;
  return next;
}

/** Invokes a schedule's target once; errors are recorded, as the target API returned them. */
async function invokeTarget(
  ctx: ServiceContext,
  s: StoredSchedule,
): Promise<unknown> {
  const { Arn, Input } = s.Target;
  const universal =
    /^arn:aws:scheduler:::aws-sdk:([a-z0-9-]+):([a-zA-Z0-9]+)$/.exec(Arn);
  if (universal) {
    // The service's SDK name (`sfn`) differs from its signing name (`states`) for some services.
    const service = universal[1] === 'sfn' ? 'states' : universal[1];
    const operation = universal[2][0].toUpperCase() + universal[2].slice(1);
    return ctx.invoke(service, operation, Input ? JSON.parse(Input) : {});
  }
  const arn = parseArn(Arn);
  if (arn?.service === 'states' && arn.resource.startsWith('stateMachine:')) {
    return ctx.invoke('states', 'StartExecution', {
      stateMachineArn: Arn,
      // Without Input, Step Functions is started with an empty JSON object.
      input: Input ?? '{}',
    });
  }
  throw new AwsError(
    'ValidationException',
    `The emulator does not invoke targets like ${Arn}`,
  );
}

/**
 * The schedules' timers. One loop per schedule sleeps on the emulator clock until the next
 * scheduled time and invokes the target; an update or delete bumps the schedule's generation,
 * which ends the old loop at its next wake-up. Sleeps are at most a minute of emulator time, the
 * Scheduler's precision, so that closing the emulator leaves no long timer behind.
 */
class SchedulerEngine {
  private readonly generations = new Map<string, number>();
  private readonly armedRegions = new Set<string>();
  readonly invocations: Invocation[] = [];
  private closed = false;

  /** On the first call in a region after a start, re-arms that region's stored schedules. */
  attach(ctx: ServiceContext) {
    if (this.armedRegions.has(ctx.region)) return;
    this.armedRegions.add(ctx.region);
    for (const s of schedules(ctx).valuesWithPrefix?.(`${ctx.region}/`) ??
      schedules(ctx)
        .values()
        .filter(v => v.Region === ctx.region)) {
      const now = ctx.clock.now().getTime();
      // Invocations missed while the emulator was down are not made up for.
      if (s.lastFiredMs === undefined || s.lastFiredMs < now) {
        const parsed = parseScheduleExpression(s.ScheduleExpression);
        if (parsed.kind !== 'at') {
          s.lastFiredMs = now - 1;
          schedules(ctx).put(this.key(s), s);
        }
      }
      this.arm(ctx, s);
    }
  }

  private key(s: StoredSchedule) {
    return keyOf(s.Region, s.GroupName, s.Name);
  }

  arm(ctx: ServiceContext, s: StoredSchedule) {
    const key = this.key(s);
    const generation = (this.generations.get(key) ?? 0) + 1;
    this.generations.set(key, generation);
    if (s.State !== 'ENABLED') return;
    void this.run(ctx, key, generation);
  }

  disarm(key: string) {
    this.generations.set(key, (this.generations.get(key) ?? 0) + 1);
  }

  private current(ctx: ServiceContext, key: string, generation: number) {
    if (this.closed || this.generations.get(key) !== generation)
      return undefined;
    return schedules(ctx).get(key);
  }

  private async run(ctx: ServiceContext, key: string, generation: number) {
    // Emulator time runs `clockSpeed` times faster than the real timestamps, so the loop keeps
    // its own timeline from the moment it starts; at speed 1 it is the wall clock.
    const speed = Number(ctx.settings.clockSpeed ?? 1) || 1;
    const base = ctx.clock.now().getTime();
    const emulatorNow = () => base + (ctx.clock.now().getTime() - base) * speed;
    for (;;) {
      let s = this.current(ctx, key, generation);
      if (!s) return;
      const next = nextFireTime(s);
      if (next === undefined) {
        this.complete(ctx, key, s);
        return;
      }
      // A flexible window invokes at some moment within the window after the scheduled time.
      const window =
        s.FlexibleTimeWindow.Mode === 'FLEXIBLE'
          ? Math.floor(
              Math.random() *
                (s.FlexibleTimeWindow.MaximumWindowInMinutes! * MINUTE),
            )
          : 0;
      for (
        let remaining = next + window - emulatorNow();
        remaining > 0;
        remaining = next + window - emulatorNow()
      ) {
        await ctx.clock.sleep(Math.min(remaining, MINUTE));
        if (!this.current(ctx, key, generation)) return;
      }
      s = this.current(ctx, key, generation);
      if (!s) return;
      s.lastFiredMs = next;
      schedules(ctx).put(key, s);
      await this.fire(ctx, s, next);
    }
  }

  private async fire(ctx: ServiceContext, s: StoredSchedule, at: number) {
    const record: Invocation = {
      scheduleArn: s.Arn,
      scheduledTime: new Date(at).toISOString(),
      targetArn: s.Target.Arn,
      outcome: 'succeeded',
    };
    try {
      record.result = await invokeTarget(ctx, s);
    } catch (error) {
      record.outcome = 'failed';
      record.error = `${(error as AwsError).code ?? (error as Error).name}: ${
        (error as Error).message
      }`;
    }
    this.invocations.push(record);
    // A minutely schedule left running for days must not grow the emulator without bound.
    if (this.invocations.length > MAX_INVOCATIONS) this.invocations.shift();
  }

  /** After its last invocation a schedule with ActionAfterCompletion DELETE is deleted. */
  private complete(ctx: ServiceContext, key: string, s: StoredSchedule) {
    if (s.ActionAfterCompletion === 'DELETE' && s.lastFiredMs !== undefined) {
      schedules(ctx).delete(key);
      this.disarm(key);
    }
  }

  close() {
    this.closed = true;
  }
}

function engineOf(ctx: ServiceContext): SchedulerEngine {
  const engine = ctx.resource('scheduler.engine', () => new SchedulerEngine());
  engine.attach(ctx);
  return engine;
}

/**
 * The emulator's clock runs faster than real time (`clockSpeed`) while timestamps stay real, so
 * the engine waits the scheduled interval in emulator time; at speed 1 that is AWS's timing.
 */
export const schedulerService: ServiceDefinition = {
  signingName: 'scheduler',
  protocol: 'rest-json',
  errorMessageKey: 'Message',
  throttlingError: { code: 'ThrottlingException', statusCode: 429 },
  internalError: { code: 'InternalServerException', statusCode: 500 },
  operations: {
    CreateSchedule(input: any, ctx: ServiceContext) {
      const engine = engineOf(ctx);
      const name = nameOf(input);
      const group = groupOf(input);
      const key = keyOf(ctx.region, group, name);
      const fields = scheduleFields(input, ctx);
      if (schedules(ctx).has(key)) {
        throw new AwsError(
          'ConflictException',
          `Schedule ${name} already exists.`,
          409,
        );
      }
      const now = ctx.clock.now().getTime();
      const stored: StoredSchedule = {
        Name: name,
        GroupName: group,
        Arn: makeArn(
          'scheduler',
          ctx.region,
          ctx.accountId,
          `schedule/${group}/${name}`,
        ),
        Region: ctx.region,
        ...fields,
        CreationDate: seconds(now),
        LastModificationDate: seconds(now),
        anchorMs: now,
      };
      schedules(ctx).put(key, stored);
      engine.arm(ctx, stored);
      return { ScheduleArn: stored.Arn };
    },

    GetSchedule(input: any, ctx: ServiceContext) {
      engineOf(ctx);
      return describe(getStored(input, ctx));
    },

    UpdateSchedule(input: any, ctx: ServiceContext) {
      const engine = engineOf(ctx);
      const existing = getStored(input, ctx);
      // UpdateSchedule replaces every field: what the request leaves out goes back to its default.
      const fields = scheduleFields(input, ctx);
      const now = ctx.clock.now().getTime();
      const updated: StoredSchedule = {
        Name: existing.Name,
        GroupName: existing.GroupName,
        Arn: existing.Arn,
        Region: existing.Region,
        ...fields,
        CreationDate: existing.CreationDate,
        LastModificationDate: seconds(now),
        anchorMs: now,
      };
      schedules(ctx).put(
        keyOf(existing.Region, existing.GroupName, existing.Name),
        updated,
      );
      engine.arm(ctx, updated);
      return { ScheduleArn: updated.Arn };
    },

    DeleteSchedule(input: any, ctx: ServiceContext) {
      const engine = engineOf(ctx);
      const existing = getStored(input, ctx);
      const key = keyOf(existing.Region, existing.GroupName, existing.Name);
      schedules(ctx).delete(key);
      engine.disarm(key);
      return {};
    },

    ListSchedules(input: any, ctx: ServiceContext) {
      engineOf(ctx);
      const limit = pageSize(
        input.MaxResults === undefined ? undefined : Number(input.MaxResults),
        { min: 1, max: 100, fallback: 100, field: 'maxResults' },
      );
      const group = input.GroupName;
      if (input.State && !['ENABLED', 'DISABLED'].includes(input.State)) {
        throw validation('State must be ENABLED or DISABLED');
      }
      const matching = schedules(ctx)
        .values()
        .filter(
          s =>
            s.Region === ctx.region &&
            (!group || s.GroupName === group) &&
            (!input.NamePrefix || s.Name.startsWith(input.NamePrefix)) &&
            (!input.State || s.State === input.State),
        );
      const { page, nextToken } = paginate(
        matching,
        s => keyOf(s.Region, s.GroupName, s.Name),
        limit,
        input.NextToken,
        'ValidationException',
      );
      return {
        Schedules: page.map(s => ({
          Arn: s.Arn,
          Name: s.Name,
          GroupName: s.GroupName,
          State: s.State,
          CreationDate: s.CreationDate,
          LastModificationDate: s.LastModificationDate,
          Target: { Arn: s.Target.Arn },
        })),
        ...(nextToken ? { NextToken: nextToken } : {}),
      };
    },
  },
  rest: {
    route(req: RawHttpRequest) {
      const body = () => {
        try {
          return req.body.length ? JSON.parse(req.body.toString('utf8')) : {};
        } catch {
          throw new AwsError(
            'ValidationException',
            'The request body is not valid JSON',
          );
        }
      };
      const match = /^\/schedules(?:\/([^/]+))?\/?$/.exec(req.path);
      if (!match) return undefined;
      const name = match[1];
      const query = Object.fromEntries(req.query);
      if (!name) {
        if (req.method !== 'GET') return undefined;
        return {
          operation: 'ListSchedules',
          input: {
            GroupName: query.ScheduleGroup,
            NamePrefix: query.NamePrefix,
            State: query.State,
            NextToken: query.NextToken,
            MaxResults: query.MaxResults,
          },
        };
      }
      switch (req.method) {
        case 'POST':
          return {
            operation: 'CreateSchedule',
            input: { ...body(), Name: name },
          };
        case 'PUT':
          return {
            operation: 'UpdateSchedule',
            input: { ...body(), Name: name },
          };
        case 'GET':
          return {
            operation: 'GetSchedule',
            input: { Name: name, GroupName: query.groupName },
          };
        case 'DELETE':
          return {
            operation: 'DeleteSchedule',
            input: { Name: name, GroupName: query.groupName },
          };
        default:
          return undefined;
      }
    },
    encode(_operation: string, output: any) {
      return {
        statusCode: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(output ?? {}),
      };
    },
  },
  adminRoutes: {
    /** The last 1,000 invocations (target, scheduled time, outcome), oldest first. */
    invocations(_input: any, ctx: ServiceContext) {
      return { invocations: engineOf(ctx).invocations };
    },
  },
};
