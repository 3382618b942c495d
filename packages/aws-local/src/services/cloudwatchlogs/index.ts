import { AwsError, ServiceContext, ServiceDefinition } from '../../core/types';

/*
 * Amazon CloudWatch Logs (JSON 1.1), the part Glue job runs use: log groups and streams that the
 * emulator itself writes (a job run's driver output goes to `/aws-glue/jobs/output` and its errors
 * to `/aws-glue/jobs/error`, stream = run id, as Glue writes them; "Logging for AWS Glue jobs",
 * https://docs.aws.amazon.com/glue/latest/dg/monitor-continuous-logging.html), read with
 * GetLogEvents and DescribeLogStreams
 * (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetLogEvents.html).
 */

type LogEvent = { timestamp: number; message: string; ingestionTime: number };
type StoredStream = {
  logGroupName: string;
  logStreamName: string;
  creationTime: number;
  events: LogEvent[];
};

const streams = (ctx: ServiceContext) =>
  ctx.state.collection<StoredStream>('logs.streams');
const streamKey = (group: string, stream: string) => `${group}\u0000${stream}`;

/** GetLogEvents returns at most 10,000 events or 1 MB a call. */
const MAX_EVENTS = 10_000;

function required(input: any, field: string): string {
  const value = input?.[field];
  if (typeof value !== 'string' || !value) {
    throw new AwsError('InvalidParameterException', `${field} is required`);
  }
  return value;
}

/** Appends lines to a stream, creating the group's stream on first use (the emulator's writer). */
export function appendLogEvents(
  ctx: ServiceContext,
  logGroupName: string,
  logStreamName: string,
  lines: string[],
  timestamp = ctx.clock.now().getTime(),
) {
  const key = streamKey(logGroupName, logStreamName);
  const stream = streams(ctx).get(key) ?? {
    logGroupName,
    logStreamName,
    creationTime: timestamp,
    events: [],
  };
  const ingestionTime = ctx.clock.now().getTime();
  stream.events.push(
    ...lines.map(message => ({ timestamp, message, ingestionTime })),
  );
  streams(ctx).put(key, stream);
}

const token = (direction: 'f' | 'b', index: number) => `${direction}/${index}`;

export const logsService: ServiceDefinition = {
  signingName: 'logs',
  protocol: 'json',
  targetPrefix: 'Logs_20140328',
  operations: {
    GetLogEvents(input: any, ctx: ServiceContext) {
      const group = required(input, 'logGroupName');
      const name = required(input, 'logStreamName');
      const stream = streams(ctx).get(streamKey(group, name));
      if (!stream) {
        throw new AwsError(
          'ResourceNotFoundException',
          `The specified log stream does not exist.`,
        );
      }
      const limit = Math.min(Number(input.limit ?? MAX_EVENTS), MAX_EVENTS);
      const events = stream.events.filter(
        e =>
          (input.startTime === undefined || e.timestamp >= input.startTime) &&
          (input.endTime === undefined || e.timestamp < input.endTime),
      );
      // Without a token, the newest events come back unless startFromHead is true.
      const parsed = /^([fb])\/(\d+)$/.exec(String(input.nextToken ?? ''));
      let start: number;
      if (parsed) {
        start =
          parsed[1] === 'f'
            ? Number(parsed[2])
            : Math.max(0, Number(parsed[2]) - limit);
      } else {
        start = input.startFromHead ? 0 : Math.max(0, events.length - limit);
      }
      const end = Math.min(events.length, start + limit);
      return {
        events: events.slice(start, end),
        nextForwardToken: token('f', end),
        nextBackwardToken: token('b', start),
      };
    },

    DescribeLogStreams(input: any, ctx: ServiceContext) {
      const group = required(input, 'logGroupName');
      const prefix = input.logStreamNamePrefix ?? '';
      const found = streams(ctx)
        .values()
        .filter(
          s => s.logGroupName === group && s.logStreamName.startsWith(prefix),
        )
        .map(s => ({
          logStreamName: s.logStreamName,
          creationTime: s.creationTime,
          firstEventTimestamp: s.events[0]?.timestamp,
          lastEventTimestamp: s.events[s.events.length - 1]?.timestamp,
          lastIngestionTime: s.events[s.events.length - 1]?.ingestionTime,
          storedBytes: 0,
        }));
      return { logStreams: found };
    },
  },
};
