// What the checks know about the deployment: read from the stack (DescribeStacks outputs, GetTemplate, ListStackResources;
// https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_GetTemplate.html) or, with --local, from the
// ready line `make dev` writes (.dev/local-cognito.json). The template is the one CloudFormation deployed, so the routes,
// functions, log groups, throttles and metric filters are found by what they are, not by construct ids: a platform
// team's stack that holds the construct under another id reads the same.
import * as fs from 'fs';
import * as path from 'path';
import { DescribeStacksCommand, GetTemplateCommand, ListStackResourcesCommand, StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { loadApiDefinition, routeKey } from '../route-definition';
import type { AwsClients } from './aws';
import type { DeployedRoute, Deployment, Throttle, WebAclRef } from './types';

type Template = { Resources: { [id: string]: { Type: string; Properties?: any } }; Outputs?: any };

export interface StackOptions {
  readonly stackName: string;
  readonly region: string;
  /** Override of ApiUrl (the stack output), e.g. when the stack names it otherwise. */
  readonly apiUrl?: string;
  /** Override of the execute-api URL derived from the HTTP API's id. */
  readonly executeApiUrl?: string;
}

/** The package's own route keys (cdk/routes.json beside the compiled code) by key, for route names. */
export function packageRoutes(): Map<string, string> {
  return new Map(loadApiDefinition().routes.map((r) => [routeKey(r), r.name]));
}

/** Resolves `Ref` to physical ids and the few intrinsics the checks read; anything else stays undefined. */
function resolver(physical: Map<string, string>) {
  const resolve = (v: any): any => {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
    if (v && typeof v === 'object') {
      if ('Ref' in v) return physical.get(v.Ref);
      if ('Fn::Join' in v) {
        const parts = (v['Fn::Join'][1] as any[]).map(resolve);
        return parts.some((p) => p === undefined) ? undefined : parts.join(v['Fn::Join'][0]);
      }
    }
    return undefined;
  };
  return resolve;
}

function refOf(v: any): string | undefined {
  if (v && typeof v === 'object') {
    if (typeof v.Ref === 'string') return v.Ref;
    if (Array.isArray(v['Fn::GetAtt'])) return v['Fn::GetAtt'][0];
    if (Array.isArray(v['Fn::Join'])) {
      for (const p of v['Fn::Join'][1]) {
        const r = refOf(p);
        if (r) return r;
      }
    }
  }
  return undefined;
}

/** Reads a deployed stack. Fails with a message naming the stack and region when it is not there. */
export async function deploymentFromStack(aws: AwsClients, o: StackOptions): Promise<Deployment> {
  const cfn = aws.cloudFormation(o.region);
  const described = await cfn.send(new DescribeStacksCommand({ StackName: o.stackName })).catch((e: Error) => {
    throw new Error(`cannot read stack ${o.stackName} in ${o.region}: ${e.message}`);
  });
  const stack = described.Stacks?.[0];
  if (!stack) throw new Error(`stack ${o.stackName} not found in ${o.region}`);
  const outputs = new Map((stack.Outputs ?? []).map((x) => [x.OutputKey ?? '', x.OutputValue ?? '']));
  const body = (await cfn.send(new GetTemplateCommand({ StackName: o.stackName, TemplateStage: 'Original' }))).TemplateBody ?? '{}';
  let template: Template;
  try {
    template = typeof body === 'string' ? JSON.parse(body) : body;
  } catch {
    throw new Error(`the template of ${o.stackName} is not JSON (a CDK stack's is)`);
  }
  const resources: StackResourceSummary[] = [];
  let next: string | undefined;
  do {
    const page = await cfn.send(new ListStackResourcesCommand({ StackName: o.stackName, NextToken: next }));
    resources.push(...(page.StackResourceSummaries ?? []));
    next = page.NextToken;
  } while (next);
  const physical = new Map(resources.map((r) => [r.LogicalResourceId ?? '', r.PhysicalResourceId ?? '']));
  const resolve = resolver(physical);
  const res = template.Resources ?? {};
  const ofType = (t: string) => Object.entries(res).filter(([, r]) => r.Type === t);

  // Routes: Route -> Integration -> Function -> its LoggingConfig.LogGroup.
  const names = packageRoutes();
  const routes: { [key: string]: DeployedRoute } = {};
  for (const [, route] of ofType('AWS::ApiGatewayV2::Route')) {
    const key = route.Properties?.RouteKey as string;
    const integration = res[refOf(route.Properties?.Target) ?? ''];
    const fnId = refOf(integration?.Properties?.IntegrationUri);
    const fn = fnId ? res[fnId] : undefined;
    const p = fn?.Properties ?? {};
    const env: { [k: string]: string } = {};
    for (const [k, v] of Object.entries(p.Environment?.Variables ?? {})) {
      const r = resolve(v);
      if (r !== undefined) env[k] = String(r);
    }
    const tags: { [k: string]: string } = {};
    for (const t of p.Tags ?? []) tags[t.Key] = String(resolve(t.Value) ?? '');
    const logGroupId = refOf(p.LoggingConfig?.LogGroup);
    routes[key] = {
      key,
      name: names.get(key),
      functionLogicalId: fnId,
      logGroupName: logGroupId ? physical.get(logGroupId) : fnId && physical.get(fnId) ? `/aws/lambda/${physical.get(fnId)}` : undefined,
      timeoutSeconds: p.Timeout,
      memoryMb: p.MemorySize,
      env,
      tags,
      systemLogLevel: p.LoggingConfig?.SystemLogLevel,
      authorizationScopes: route.Properties?.AuthorizationScopes,
    };
  }

  const stageRes = ofType('AWS::ApiGatewayV2::Stage')[0]?.[1]?.Properties;
  const throttle = (s: any): Throttle => ({ rateLimit: s?.ThrottlingRateLimit, burstLimit: s?.ThrottlingBurstLimit });
  const routeSettings: { [key: string]: Throttle } = {};
  for (const [k, v] of Object.entries(stageRes?.RouteSettings ?? {})) routeSettings[k] = throttle(v);

  const apiId = physical.get(ofType('AWS::ApiGatewayV2::Api')[0]?.[0] ?? '');
  const distribution = ofType('AWS::CloudFront::Distribution')[0]?.[1]?.Properties?.DistributionConfig;
  const frontDoor = distribution !== undefined || outputs.has('OriginVerifySecretArn');
  const client = ofType('AWS::Cognito::UserPoolClient')[0];
  const anyEnv = Object.values(routes).map((r) => r.env);
  const envOf = (k: string) => anyEnv.find((e) => e[k] !== undefined)?.[k];
  const metricFilter = ofType('AWS::Logs::MetricFilter')[0]?.[1]?.Properties;

  // The web ACL: in this stack (front door in us-east-1), else in its companion stack <name>-Waf in us-east-1.
  let webAcl: WebAclRef | undefined;
  let webAclRegion: string | undefined;
  const aclIn = (rs: StackResourceSummary[]) => rs.find((r) => r.ResourceType === 'AWS::WAFv2::WebACL' && (r.PhysicalResourceId ?? '').endsWith('|CLOUDFRONT'));
  const own = aclIn(resources);
  if (own) {
    webAcl = parseWebAclPhysicalId(own.PhysicalResourceId!);
    webAclRegion = o.region;
  } else if (frontDoor) {
    const waf = await aws.cloudFormation('us-east-1').send(new ListStackResourcesCommand({ StackName: `${o.stackName}-Waf` })).catch(() => undefined);
    const found = waf && aclIn(waf.StackResourceSummaries ?? []);
    if (found) {
      webAcl = parseWebAclPhysicalId(found.PhysicalResourceId!);
      webAclRegion = 'us-east-1';
    }
  }

  const apiUrl = (o.apiUrl ?? outputs.get('ApiUrl') ?? (apiId ? `https://${apiId}.execute-api.${o.region}.amazonaws.com/` : '')).replace(/\/+$/, '');
  if (!apiUrl) throw new Error(`stack ${o.stackName} has no ApiUrl output: pass --api-url`);
  const userPoolId = outputs.get('UserPoolId') ?? envOf('COGNITO_USER_POOL_ID');
  const clientId = outputs.get('UserPoolClientId') ?? envOf('COGNITO_APP_CLIENT_ID');
  if (!userPoolId || !clientId) throw new Error(`stack ${o.stackName}: no user pool id or app client id in its outputs or its functions' environment`);
  return {
    source: 'stack',
    stackName: o.stackName,
    region: o.region,
    apiUrl,
    apiUrlOverridden: o.apiUrl !== undefined,
    executeApiUrl: (o.executeApiUrl ?? (apiId ? `https://${apiId}.execute-api.${o.region}.amazonaws.com` : undefined))?.replace(/\/+$/, ''),
    userPoolId,
    clientId,
    version: outputs.get('Version') ?? Object.values(routes)[0]?.tags['cognito-auth-api:version'],
    frontDoor,
    sessionCookie: envOf('SESSION_COOKIE') === 'on',
    corsOrigins: (envOf('CORS_ORIGIN') ?? '').split(',').filter(Boolean),
    passkeyRelyingPartyId: envOf('PASSKEY_RP_ID'),
    passkeyUserVerification: envOf('PASSKEY_USER_VERIFICATION'),
    accessTokenSeconds: accessTokenSeconds(client?.[1]?.Properties),
    refreshGraceSeconds: client?.[1]?.Properties?.RefreshTokenRotation?.RetryGracePeriodSeconds,
    routes,
    stage: stageRes ? { defaultThrottle: throttle(stageRes.DefaultRouteSettings), routeSettings } : undefined,
    metricNamespace: metricFilter?.MetricTransformations?.[0]?.MetricNamespace,
    ipv6Enabled: distribution ? distribution.IPV6Enabled === true : undefined,
    webAcl,
    webAclRegion,
    cloudWatch: true,
  };
}

/** AccessTokenValidity in its TokenValidityUnits (default hours), in seconds. */
function accessTokenSeconds(p: any): number | undefined {
  if (typeof p?.AccessTokenValidity !== 'number') return undefined;
  const unit = { seconds: 1, minutes: 60, hours: 3600, days: 86400 }[(p.TokenValidityUnits?.AccessToken ?? 'hours') as string] ?? 3600;
  return p.AccessTokenValidity * unit;
}

/** A WAFv2::WebACL's physical id is `name|id|scope`. */
export function parseWebAclPhysicalId(p: string): WebAclRef {
  const [name, id, scope] = p.split('|');
  return { name, id, scope: scope === 'REGIONAL' ? 'REGIONAL' : 'CLOUDFRONT' };
}

export interface LocalOptions {
  /** The ready line of `make dev` (its local Cognito): endpoint, pool id, client id. */
  readonly infoFile: string;
  readonly apiUrl: string;
  readonly corsOrigin: string;
  readonly sessionCookie: boolean;
  /** The local server started with ORIGIN_VERIFY_SECRET behind a local stand-in of the front door. */
  readonly executeApiUrl?: string;
}

/** `--local`: the API of `make dev` on the local emulator; no stack, no CloudWatch. */
export function deploymentFromLocal(o: LocalOptions): Deployment & { cognitoEndpoint: string } {
  let info: any;
  try {
    info = JSON.parse(fs.readFileSync(o.infoFile, 'utf-8'));
  } catch (e) {
    throw new Error(`--local: cannot read ${o.infoFile} (${(e as Error).message}); start the API with make dev first`);
  }
  const pool = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk', 'user-pool.json'), 'utf-8'));
  const routes: { [key: string]: DeployedRoute } = {};
  for (const [key, name] of packageRoutes()) routes[key] = { key, name, env: {}, tags: {} };
  return {
    source: 'local',
    region: info.region ?? 'us-east-1',
    apiUrl: o.apiUrl.replace(/\/+$/, ''),
    apiUrlOverridden: true,
    executeApiUrl: o.executeApiUrl?.replace(/\/+$/, ''),
    userPoolId: info.userPoolId,
    clientId: info.clientId,
    frontDoor: o.executeApiUrl !== undefined,
    sessionCookie: o.sessionCookie,
    corsOrigins: [o.corsOrigin],
    passkeyRelyingPartyId: pool.passkeys?.relyingPartyId,
    passkeyUserVerification: pool.passkeys?.userVerification,
    accessTokenSeconds: pool.tokenValidity?.accessTokenMinutes ? pool.tokenValidity.accessTokenMinutes * 60 : undefined,
    refreshGraceSeconds: pool.refreshTokenRotation?.retryGracePeriodSeconds,
    routes,
    cloudWatch: false,
    cognitoEndpoint: info.endpoint,
  };
}
