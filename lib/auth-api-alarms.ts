import { Duration } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** Thresholds of the auth API alarms. Every alarm looks at 5-minute periods. */
export interface AuthApiAlarmThresholds {
  /** Lambda invocation errors (all functions of the Region together) per 5 minutes. @default 5 */
  readonly functionErrors?: number;
  /** Lambda throttles (all functions of the Region together) per 5 minutes. @default 5 */
  readonly functionThrottles?: number;
  /** HTTP API 5xx answers per 5 minutes. @default 5 */
  readonly api5xx?: number;
  /** HTTP API p99 latency, three 5-minute periods in a row. @default Duration.seconds(2) */
  readonly apiLatencyP99?: Duration;
  /** Failed logins (audit events) per 5 minutes. @default 100 */
  readonly failedLogins?: number;
  /**
   * Refreshes with a refresh token that rotation had already replaced (audit events
   * `refresh_token_reuse`) per 5 minutes. One is the signature of a stolen token. @default 1
   */
  readonly reusedRefreshTokens?: number;
  /**
   * User migration trigger failures (the legacy endpoint down, slow, failing or answering garbage: audit events of the
   * trigger with `"outcome":"failure"`) per 5 minutes; a wrong password is a refusal and not counted. @default 5
   */
  readonly legacyAuthFailures?: number;
}

export interface AuthApiAlarmsProps {
  readonly api: apigwv2.IHttpApi;
  /** Log groups of the functions whose audit events count towards the failed-login and reused-refresh-token metrics. */
  readonly functionLogGroups: logs.ILogGroup[];
  /** Namespace of the failed-login and reused-refresh-token metrics. */
  readonly metricNamespace: string;
  readonly thresholds?: AuthApiAlarmThresholds;
  /** Where alarm and OK notifications go. @default - no notification (alarms visible in the console) */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Log groups of the Cognito trigger functions. A trigger refuses (pre sign-up outside the allowed domains) by
   * answering Cognito with a function error, which Lambda counts in `Errors`: their audit events
   * `"outcome":"refused"` are counted (metric `TriggerRefusals`) and taken out of the function-errors alarm, so a
   * wave of refused sign-ups is not an outage. A trigger's real failures stay in it.
   * @default - none (no trigger)
   */
  readonly triggerLogGroups?: logs.ILogGroup[];
  /** The user migration trigger's log group: its failures are metric `LegacyAuthFailures`, alarmed. @default - none */
  readonly userMigrationLogGroup?: logs.ILogGroup;
}

/**
 * A fixed set of six alarms (seven with the user migration trigger), whatever the number of routes: each watches one aggregate metric, so
 * the idle cost does not grow with the API (an alarm costs the same whether or not it ever fires).
 */
export class AuthApiAlarms extends Construct {
  public readonly functionErrors: cloudwatch.Alarm;
  public readonly functionThrottles: cloudwatch.Alarm;
  public readonly api5xx: cloudwatch.Alarm;
  public readonly apiLatency: cloudwatch.Alarm;
  public readonly failedLogins: cloudwatch.Alarm;
  public readonly reusedRefreshTokens: cloudwatch.Alarm;
  /** The failed-login count published by the audit-event metric filters. */
  public readonly failedLoginMetric: cloudwatch.Metric;
  /** The count of refreshes with a rotated-out refresh token, published by the audit-event metric filters. */
  public readonly reusedRefreshTokenMetric: cloudwatch.Metric;
  /** The count of deliberate trigger refusals (function errors that are no failure), when there are triggers. */
  public readonly triggerRefusalMetric?: cloudwatch.Metric;
  /** The user migration trigger's failures to get an answer from the legacy endpoint, when it is on. */
  public readonly legacyAuthFailureMetric?: cloudwatch.Metric;
  public readonly legacyAuthFailures?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: AuthApiAlarmsProps) {
    super(scope, id);
    const t = props.thresholds ?? {};
    const period = Duration.minutes(5);

    // Lambda publishes Errors and Throttles also without dimensions, summed over every function of the
    // account in the Region: one metric per alarm instead of one per function (a metric-math sum is limited
    // to 10 metrics per alarm and is billed per metric). In an account shared with other workloads these
    // alarms include their functions too; docs/deploying.md ("Alarms") says so.
    const lambdaMetric = (metricName: string) =>
      new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName, statistic: 'Sum', period });

    const failedLoginMetricName = 'FailedLogins';
    props.functionLogGroups.forEach((logGroup, i) => {
      new logs.MetricFilter(this, `FailedLoginFilter${i}`, {
        logGroup,
        filterPattern: logs.FilterPattern.literal('{ $.target = "audit" && $.action = "login" && $.outcome = "failure" }'),
        metricNamespace: props.metricNamespace,
        metricName: failedLoginMetricName,
        metricValue: '1',
      });
    });
    this.failedLoginMetric = new cloudwatch.Metric({
      namespace: props.metricNamespace,
      metricName: failedLoginMetricName,
      statistic: 'Sum',
      period,
    });

    // The refresh function's audit line for a refresh token that rotation had replaced, presented after
    // the grace period (Cognito's RefreshTokenReuseException): `"event":"refresh_token_reuse"`.
    const reuseMetricName = 'RefreshTokenReuse';
    props.functionLogGroups.forEach((logGroup, i) => {
      new logs.MetricFilter(this, `RefreshTokenReuseFilter${i}`, {
        logGroup,
        filterPattern: logs.FilterPattern.literal('{ $.target = "audit" && $.action = "refresh" && $.event = "refresh_token_reuse" }'),
        metricNamespace: props.metricNamespace,
        metricName: reuseMetricName,
        metricValue: '1',
      });
    });
    this.reusedRefreshTokenMetric = new cloudwatch.Metric({
      namespace: props.metricNamespace,
      metricName: reuseMetricName,
      statistic: 'Sum',
      period,
    });

    // A trigger's deliberate refusal is a function error to Lambda (the documented way to deny a sign-up is to
    // answer with an error: https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-sign-up.html).
    const triggerGroups = props.triggerLogGroups ?? [];
    const refusalMetricName = 'TriggerRefusals';
    triggerGroups.forEach((logGroup, i) => {
      new logs.MetricFilter(this, `TriggerRefusalFilter${i}`, {
        logGroup,
        filterPattern: logs.FilterPattern.literal('{ $.target = "audit" && $.outcome = "refused" }'),
        metricNamespace: props.metricNamespace,
        metricName: refusalMetricName,
        metricValue: '1',
      });
    });
    if (triggerGroups.length > 0) {
      this.triggerRefusalMetric = new cloudwatch.Metric({ namespace: props.metricNamespace, metricName: refusalMetricName, statistic: 'Sum', period });
    }

    const alarm = (alarmId: string, metric: cloudwatch.IMetric, threshold: number, description: string, evaluationPeriods = 1) => {
      const a = new cloudwatch.Alarm(this, alarmId, {
        metric,
        threshold,
        evaluationPeriods,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      if (props.alarmTopic) {
        a.addAlarmAction(new cwActions.SnsAction(props.alarmTopic));
        a.addOkAction(new cwActions.SnsAction(props.alarmTopic));
      }
      return a;
    };

    // The user migration trigger fails closed when the legacy endpoint gives no usable answer (callers see an unknown
    // user): its audit line `"action":"userMigration","outcome":"failure"` is the only sign, counted here.
    if (props.userMigrationLogGroup) {
      const legacyMetricName = 'LegacyAuthFailures';
      new logs.MetricFilter(this, 'LegacyAuthFailureFilter', {
        logGroup: props.userMigrationLogGroup,
        filterPattern: logs.FilterPattern.literal('{ $.target = "audit" && $.action = "userMigration" && $.outcome = "failure" }'),
        metricNamespace: props.metricNamespace,
        metricName: legacyMetricName,
        metricValue: '1',
      });
      this.legacyAuthFailureMetric = new cloudwatch.Metric({ namespace: props.metricNamespace, metricName: legacyMetricName, statistic: 'Sum', period });
    }

    const errors = t.functionErrors ?? 5;
    const throttles = t.functionThrottles ?? 5;
    const fivexx = t.api5xx ?? 5;
    const latency = t.apiLatencyP99 ?? Duration.seconds(2);
    const failed = t.failedLogins ?? 100;
    const reused = t.reusedRefreshTokens ?? 1;
    for (const [name, v] of Object.entries({ functionErrors: errors, functionThrottles: throttles, api5xx: fivexx, failedLogins: failed, reusedRefreshTokens: reused })) {
      if (!(v >= 1)) throw new Error(`AuthApiAlarms: thresholds.${name} must be at least 1 (got ${v}).`);
    }

    const errorsMetric: cloudwatch.IMetric = this.triggerRefusalMetric
      ? new cloudwatch.MathExpression({
        expression: 'errors - FILL(refusals, 0)',
        usingMetrics: { errors: lambdaMetric('Errors'), refusals: this.triggerRefusalMetric },
        period,
        label: 'Lambda errors less trigger refusals',
      })
      : lambdaMetric('Errors');
    this.functionErrors = alarm('FunctionErrors', errorsMetric, errors,
      `Lambda function errors (Region-wide sum${this.triggerRefusalMetric ? ', less the Cognito triggers\' deliberate refusals' : ''}) >= ${errors} in 5 minutes: see the auth API functions' logs.`);
    this.functionThrottles = alarm('FunctionThrottles', lambdaMetric('Throttles'), throttles,
      `Lambda throttles (Region-wide sum) >= ${throttles} in 5 minutes: account concurrency exhausted?`);
    this.api5xx = alarm('Api5xx', props.api.metricServerError({ period, statistic: 'Sum' }), fivexx,
      `Auth API answered >= ${fivexx} server errors (5xx) in 5 minutes.`);
    this.apiLatency = alarm('ApiLatencyP99', props.api.metricLatency({ period, statistic: 'p99' }), latency.toMilliseconds(),
      `Auth API p99 latency >= ${latency.toMilliseconds()} ms for 15 minutes.`, 3);
    this.failedLogins = alarm('FailedLoginSpike', this.failedLoginMetric, failed,
      `>= ${failed} failed logins in 5 minutes (audit events): credential stuffing or brute force?`);
    this.reusedRefreshTokens = alarm('RefreshTokenReuse', this.reusedRefreshTokenMetric, reused,
      `>= ${reused} refresh(es) in 5 minutes with a refresh token that rotation had already replaced (audit event refresh_token_reuse): ` +
        'a stolen refresh token? The audit lines give the request ids and source IPs; the user is not named (Cognito does not say whose token it was).');
    if (this.legacyAuthFailureMetric) {
      const legacy = t.legacyAuthFailures ?? 5;
      if (!(legacy >= 1)) throw new Error(`AuthApiAlarms: thresholds.legacyAuthFailures must be at least 1 (got ${legacy}).`);
      this.legacyAuthFailures = alarm('LegacyAuthFailures', this.legacyAuthFailureMetric, legacy,
        `>= ${legacy} user migration trigger failures in 5 minutes (the legacy endpoint down, slow or answering garbage): ` +
          'users of the legacy system cannot sign in for the first time; see the userMigration trigger\'s logs (error_code legacy_*).');
    }
  }
}
