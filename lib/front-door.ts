import * as path from 'path';
import { Annotations, SecretValue, Stack, Token, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { QuotaRateRule } from './cognito-quotas';
import { RouteThrottle } from './route-definition';
import { AuthApiWebAcl, WebAclRateLimits } from './web-acl';

/** Header CloudFront adds to every origin request; the functions refuse requests without it. */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';

/**
 * Header the viewer-request CloudFront Function (lib/functions/viewer-ip.js) always overwrites with the viewer's
 * IP address; the functions trust it only together with a valid origin-verify header.
 */
export const VIEWER_IP_HEADER = 'x-viewer-ip';

/** The CloudFront Function's code, a file in this repository (runtime cloudfront-js-2.0). */
export const VIEWER_IP_FUNCTION_FILE = path.join(__dirname, 'functions', 'viewer-ip.js');

/**
 * API Gateway's only throttle with the front door on (the stage's default route settings): a safety limit above
 * what the WAF's quota rules let through, bounding what direct calls to the execute-api endpoint can cost.
 */
export const FRONT_DOOR_SAFETY_THROTTLE: RouteThrottle = { rateLimit: 200, burstLimit: 400 };

/** What the front door needs to know and may be told. */
export interface AuthApiFrontDoorProps {
  /** The HTTP API the distribution forwards to (its default execute-api endpoint). */
  readonly httpApi: apigwv2.IHttpApi;

  /**
   * ARN of an existing CLOUDFRONT-scope web ACL (in us-east-1) for the distribution.
   * @default - created here; the stack must then be in us-east-1
   */
  readonly webAclArn?: string;

  /** Per-IP rate rules of the web ACL created here (not with `webAclArn`). @default - the WebAclRateLimits defaults */
  readonly rateLimits?: WebAclRateLimits;

  /** CloudFront price class. @default cloudfront.PriceClass.PRICE_CLASS_100 */
  readonly priceClass?: cloudfront.PriceClass;

  /** Cognito quota rules of the web ACL created here (not with `webAclArn`). @default - quotaRateRules() of cdk/routes.json */
  readonly quotaRules?: QuotaRateRule[];

  /**
   * Secrets Manager version id of the origin-verify value CloudFront sends. CloudFormation resolves the secret only
   * when this reference changes, so step 3 of a rotation sets it (docs/deploying.md, "Rotating the origin-verify secret").
   * @default - the current version at the distribution's first deployment
   */
  readonly originVerifyVersionId?: string;

  /**
   * Answer on IPv6 too. Off by default: the per-IP WAF rules count each address, and one IPv6 user usually holds
   * a whole /64 (2^64 addresses), so over IPv6 a single client can step around every per-IP limit. With IPv4 only,
   * CloudFront answers AAAA queries with no address and IPv6-only clients cannot connect (dual-stack clients fall
   * back to IPv4).
   * @default false
   */
  readonly enableIpv6?: boolean;

  /** A custom domain the distribution answers on (e.g. `auth.example.com`); needs `certificate`. @default - the *.cloudfront.net name only */
  readonly domainName?: string;

  /** ACM certificate for `domainName`; CloudFront only uses certificates in us-east-1. @default - required with domainName */
  readonly certificate?: acm.ICertificate;

  /** Route 53 zone of `domainName`: alias records to the distribution are created in it. @default - no DNS records (point your DNS at the distribution yourself) */
  readonly hostedZone?: route53.IHostedZone;
}

/** The settings of `CognitoAuthApiProps` that belong to the front door, checked before anything is created. */
export interface FrontDoorChoice {
  readonly frontDoor: boolean;
  readonly webAclArn?: string;
  readonly wafRateLimits?: WebAclRateLimits;
  readonly enableIpv6?: boolean;
  readonly domainName?: string;
  readonly certificate?: acm.ICertificate;
  readonly hostedZone?: route53.IHostedZone;
}

/**
 * The front door of the auth API: a CloudFront distribution with a CLOUDFRONT-scope WAF web ACL in front of
 * the HTTP API, and the origin-verify secret CloudFront sends so that the functions can refuse requests that
 * did not come through it.
 */
export class AuthApiFrontDoor extends Construct {
  /** Header CloudFront adds to every origin request (`x-origin-verify`); the functions refuse requests without it. */
  public static readonly ORIGIN_VERIFY_HEADER: string = ORIGIN_VERIFY_HEADER;
  /** Header the viewer-request CloudFront Function overwrites with the viewer's IP address (`x-viewer-ip`). */
  public static readonly VIEWER_IP_HEADER: string = VIEWER_IP_HEADER;
  /** The CloudFront Function's code (runtime cloudfront-js-2.0), a file in the package. */
  public static readonly VIEWER_IP_FUNCTION_FILE: string = VIEWER_IP_FUNCTION_FILE;
  /** API Gateway's only throttle with the front door on: a safety limit above what the WAF's quota rules let through. */
  public static readonly SAFETY_THROTTLE: RouteThrottle = FRONT_DOOR_SAFETY_THROTTLE;

  /**
   * Fail early, with the fix, on front-door settings that cannot work together (called by CognitoAuthApi
   * before it creates anything).
   */
  public static check(scope: Construct, choice: FrontDoorChoice): void {
    const stack = Stack.of(scope);
    const { frontDoor, webAclArn, wafRateLimits } = choice;
    const doorOnly = { enableIpv6: choice.enableIpv6, domainName: choice.domainName, certificate: choice.certificate, hostedZone: choice.hostedZone };
    for (const [k, v] of Object.entries(doorOnly)) {
      if (!frontDoor && v !== undefined) {
        throw new Error(`CognitoAuthApi: ${k} configures the CloudFront front door, which frontDoor: false turns off. Remove ${k} or set frontDoor: true.`);
      }
    }
    if ((choice.domainName === undefined) !== (choice.certificate === undefined)) {
      throw new Error('CognitoAuthApi: domainName and certificate go together: the distribution can only answer on a custom domain with an ACM certificate for it (in us-east-1).');
    }
    if (choice.hostedZone && !choice.domainName) {
      throw new Error('CognitoAuthApi: hostedZone is where the records of domainName are created; pass domainName (and certificate) too.');
    }
    const certArn = choice.certificate?.certificateArn;
    if (certArn && !Token.isUnresolved(certArn) && !/^arn:aws[a-z-]*:acm:us-east-1:/.test(certArn)) {
      // https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cnames-and-https-requirements.html
      throw new Error(`CognitoAuthApi: CloudFront only uses ACM certificates from us-east-1; certificate ${certArn} is in another region. Request or import it in us-east-1.`);
    }
    if (!frontDoor && webAclArn) {
      throw new Error('CognitoAuthApi: webAclArn is only used by the CloudFront front door, which frontDoor: false turns off. Remove webAclArn or set frontDoor: true.');
    }
    if (!frontDoor && wafRateLimits) {
      throw new Error('CognitoAuthApi: wafRateLimits configure the front door\'s web ACL, which frontDoor: false turns off. Remove wafRateLimits or set frontDoor: true.');
    }
    if (webAclArn && wafRateLimits) {
      throw new Error('CognitoAuthApi: wafRateLimits only apply to a web ACL the construct creates; with webAclArn, set the rules on that web ACL instead.');
    }
    if (webAclArn && !Token.isUnresolved(webAclArn) &&
        !/^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global\/webacl\/[^/]+\/[^/]+$/.test(webAclArn)) {
      throw new Error(
        `CognitoAuthApi: webAclArn must be the ARN of a CLOUDFRONT-scope web ACL, which lives in us-east-1 ` +
          `(arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>); got "${webAclArn}".`,
      );
    }
    const region = stack.region;
    if (frontDoor && !webAclArn && (Token.isUnresolved(region) || region !== 'us-east-1')) {
      throw new Error(
        `CognitoAuthApi: the front door needs a CLOUDFRONT-scope web ACL, which AWS only allows in us-east-1, but stack ` +
          `${stack.stackName} is ${Token.isUnresolved(region) ? 'environment-agnostic (no region)' : `in ${region}`} and no webAclArn was given. Fix one of: ` +
          `(1) create an AuthApiWebAclStack with env: { region: 'us-east-1' } and crossRegionReferences: true (also on this stack) and pass its webAclArn; ` +
          `(2) pass the ARN of an existing CLOUDFRONT-scope web ACL as webAclArn; ` +
          `(3) deploy this stack to us-east-1 (env: { region: 'us-east-1' }), where the construct creates the web ACL itself; ` +
          `(4) set frontDoor: false (development stacks only: no WAF, no per-IP limits).`,
      );
    }
  }

  /** The secret CloudFront sends as `x-origin-verify`; the functions read it (ORIGIN_VERIFY_SECRET_ARN). */
  public readonly originVerifySecret: secretsmanager.Secret;
  public readonly distribution: cloudfront.Distribution;
  /** The CLOUDFRONT-scope web ACL, when created here. */
  public readonly webAcl?: AuthApiWebAcl;
  /** The web ACL ARN attached to the distribution. */
  public readonly webAclArn: string;
  /** The viewer-request CloudFront Function that writes x-viewer-ip. */
  public readonly viewerFunction: cloudfront.Function;
  /** The URL frontends call (on domainName when given). */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: AuthApiFrontDoorProps) {
    super(scope, id);
    const stack = Stack.of(this);
    AuthApiFrontDoor.check(this, { frontDoor: true, ...props, wafRateLimits: props.rateLimits });

    this.originVerifySecret = new secretsmanager.Secret(this, 'OriginVerifySecret', {
      description: `Value of the ${ORIGIN_VERIFY_HEADER} header CloudFront adds to origin requests; the functions refuse requests without it`,
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
    });
    ack(this.originVerifySecret, 'AwsSolutions-SMG4',
      'Rotation is a manual, documented procedure (docs/deploying.md, "Rotating the origin-verify secret"): the functions accept the current and previous values, and CloudFront reads the new one when originVerifyVersionId changes.');

    if (props.webAclArn) {
      // A literal ARN is the operator's own web ACL; a token is AuthApiWebAclStack's (which has the quota rules).
      if (!Token.isUnresolved(props.webAclArn)) Annotations.of(this).addWarningV2('@cognito-auth-api/external-web-acl-quota-rules',
        'With webAclArn, the Cognito quota budgets are not enforced by this construct: API Gateway keeps only a safety limit. ' +
          'Give that web ACL the rules of quotaRateRules() (as AuthApiWebAcl and AuthApiWebAclStack do).');
      this.webAclArn = props.webAclArn;
    } else {
      this.webAcl = new AuthApiWebAcl(this, 'Acl', { scope: 'CLOUDFRONT', rateLimits: props.rateLimits, quotaRules: props.quotaRules });
      this.webAclArn = this.webAcl.webAclArn;
    }
    const aclArn = this.webAclArn;

    // Viewer request: always overwrite x-viewer-ip with the viewer's address (lib/functions/viewer-ip.js).
    this.viewerFunction = new cloudfront.Function(this, 'ViewerIp', {
      code: cloudfront.FunctionCode.fromFile({ filePath: VIEWER_IP_FUNCTION_FILE }),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: `Auth API front door: sets ${VIEWER_IP_HEADER} to the viewer's IP, whatever the client sent`,
    });

    const apiDomain = `${props.httpApi.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`;
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Auth API front door (WAF, per-IP limits)',
      defaultBehavior: {
        origin: new origins.HttpOrigin(apiDomain, {
          protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
          originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
          // A Secrets Manager dynamic reference: the value never appears in the template. With a version id,
          // CloudFormation reads the secret again (it only does when the reference changes:
          // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html).
          customHeaders: {
            [ORIGIN_VERIFY_HEADER]: (props.originVerifyVersionId
              ? SecretValue.secretsManager(this.originVerifySecret.secretArn, { versionId: props.originVerifyVersionId })
              : this.originVerifySecret.secretValue).unsafeUnwrap(),
          },
        }),
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        // All viewer headers but Host (API Gateway routes on its own host name). Viewer headers only
        // (header behavior allExcept), not CloudFront's generated ones such as CloudFront-Viewer-Address:
        // the viewer's address travels in x-viewer-ip, which the viewer function writes before this applies.
        // https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-origin-request-policies.html
        // https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_OriginRequestPolicyHeadersConfig.html
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        functionAssociations: [{ function: this.viewerFunction, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
      },
      webAclId: aclArn,
      priceClass: props.priceClass ?? cloudfront.PriceClass.PRICE_CLASS_100,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      // IsIPV6Enabled (CDK's default is true): see the enableIpv6 prop.
      // https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DistributionConfig.html
      enableIpv6: props.enableIpv6 ?? false,
      domainNames: props.domainName ? [props.domainName] : undefined,
      certificate: props.certificate,
      minimumProtocolVersion: props.domainName ? cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 : undefined,
    });
    if (props.domainName && props.hostedZone) {
      const target = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(this.distribution));
      new route53.ARecord(this, 'AliasA', { zone: props.hostedZone, recordName: props.domainName, target });
      if (props.enableIpv6) new route53.AaaaRecord(this, 'AliasAaaa', { zone: props.hostedZone, recordName: props.domainName, target });
    }
    ack(this.distribution, 'AwsSolutions-CFR1', 'Geo restriction is not a requirement of an organisation-wide auth API; abuse is limited per IP by the WAF rules.');
    ack(this.distribution, 'AwsSolutions-CFR3',
      'Every request CloudFront forwards is in the API access log (JSON) and every auth action in the functions\' audit events with the viewer IP; CloudFront standard logs would duplicate them at extra cost.');
    if (!props.domainName) {
      ack(this.distribution, 'AwsSolutions-CFR4',
        'Without domainName the distribution uses the default *.cloudfront.net certificate, for which CloudFront fixes the viewer TLS policy; with domainName it uses TLSv1.2_2021.');
    }

    this.url = `https://${props.domainName ?? this.distribution.distributionDomainName}/`;
  }
}

/** Record a cdk-nag acknowledgement with its reason on a construct and its children. */
function ack(scope: Construct, id: string, reason: string) {
  Validations.of(scope).acknowledge({ id, reason });
}
