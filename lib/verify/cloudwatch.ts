// Evidence that lives in CloudWatch, read with a bounded wait: the functions' log lines (audit events, warnings,
// Lambda's platform.report records) and the metric filters' metrics. Log events reach FilterLogEvents seconds after
// they are written, metric filter datapoints within minutes, so each read polls until it finds what it needs or the
// wait is over (--wait). https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html,
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricStatistics.html
import { GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { AwsClients } from './aws';

/** One log line as JSON: the function's own JSON lines (audit events, warnings) or Lambda's JSON system records. */
export type LogLine = { [k: string]: any };

/** A line's JSON, also when the runtime wrapped the function's JSON line in a `message` string. */
export function parseLine(message: string): LogLine | undefined {
  try {
    const v = JSON.parse(message);
    if (v && typeof v === 'object') {
      if (typeof v.message === 'string' && v.message.trim().startsWith('{')) {
        const inner = parseLine(v.message);
        if (inner) return inner;
      }
      return v;
    }
  } catch {
    // not JSON: a plain-text line (Lambda's text format), which the checks do not read
  }
  return undefined;
}

export interface WaitOptions {
  /** How long to keep looking (ms). */
  readonly waitMs: number;
  /** Between two looks (ms). */
  readonly pollMs?: number;
  readonly progress?: (msg: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class CloudWatchEvidence {
  constructor(private readonly aws: AwsClients) {}

  /** Every JSON line of `logGroup` written since `sinceMs` that matches `term` (a FilterLogEvents term) and `match`. */
  async lines(logGroup: string, sinceMs: number, match: (l: LogLine) => boolean, term?: string): Promise<LogLine[]> {
    const found: LogLine[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await this.aws.logs.send(new FilterLogEventsCommand({
        logGroupName: logGroup,
        startTime: sinceMs - 1000,
        filterPattern: term ? `"${term}"` : undefined,
        nextToken,
      }));
      for (const e of page.events ?? []) {
        const l = parseLine(e.message ?? '');
        if (l && match(l)) found.push(l);
      }
      nextToken = page.nextToken;
      pages += 1;
    } while (nextToken && pages < 50);
    return found;
  }

  /** Polls until `enough(lines)` or the wait is over; answers the last lines seen. */
  async waitForLines(logGroup: string, sinceMs: number, match: (l: LogLine) => boolean, enough: (ls: LogLine[]) => boolean, o: WaitOptions & { term?: string }): Promise<LogLine[]> {
    const until = Date.now() + o.waitMs;
    for (;;) {
      const ls = await this.lines(logGroup, sinceMs, match, o.term);
      if (enough(ls) || Date.now() >= until) return ls;
      o.progress?.(`waiting for log lines in ${logGroup} (${Math.ceil((until - Date.now()) / 1000)} s left)`);
      await sleep(Math.min(o.pollMs ?? 5000, Math.max(0, until - Date.now())));
    }
  }

  /** The audit line of one request (by the request id the API answered in x-request-id). */
  async auditLine(logGroup: string, sinceMs: number, requestId: string, o: WaitOptions): Promise<LogLine | undefined> {
    const ls = await this.waitForLines(logGroup, sinceMs, (l) => l.target === 'audit' && l.request_id === requestId, (x) => x.length > 0, { ...o, term: requestId });
    return ls[0];
  }

  /** Sum of a metric (no dimensions, as a metric filter publishes it) since `sinceMs`, polled until it reaches `atLeast`. */
  async waitForMetricSum(namespace: string, metricName: string, sinceMs: number, atLeast: number, o: WaitOptions): Promise<number> {
    const until = Date.now() + o.waitMs;
    for (;;) {
      const now = Date.now();
      const r = await this.aws.cloudWatch.send(new GetMetricStatisticsCommand({
        Namespace: namespace,
        MetricName: metricName,
        // Whole minutes around the run: a metric filter's datapoint carries the log event's minute.
        StartTime: new Date(Math.floor(sinceMs / 60_000) * 60_000),
        EndTime: new Date(now + 60_000),
        Period: 60,
        Statistics: ['Sum'],
      }));
      const sum = (r.Datapoints ?? []).reduce((s, d) => s + (d.Sum ?? 0), 0);
      if (sum >= atLeast || now >= until) return sum;
      o.progress?.(`waiting for ${namespace} ${metricName} >= ${atLeast} (now ${sum}; ${Math.ceil((until - now) / 1000)} s left)`);
      await sleep(Math.min(o.pollMs ?? 15_000, Math.max(0, until - Date.now())));
    }
  }
}
