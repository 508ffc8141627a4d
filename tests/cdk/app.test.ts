import { Template } from 'aws-cdk-lib/assertions';
import { appFromContext, resourcesOf } from './helpers';

describe('the CDK app (bin/)', () => {
  test('outside us-east-1 a companion stack in us-east-1 holds the CLOUDFRONT web ACL, shared by cross-region reference', () => {
    const { app, stacks } = appFromContext({ region: 'eu-west-1' }, false);
    expect(stacks.waf).toBeDefined();
    expect(stacks.waf!.region).toBe('us-east-1');
    expect(stacks.api.region).toBe('eu-west-1');
    const waf = Template.fromStack(stacks.waf!);
    waf.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'CLOUDFRONT' });
    // The WAF stack is small: the ACL and CDK's cross-region export writer (a custom resource and its function).
    expect(new Set(Object.values(waf.toJSON().Resources).map((r: any) => r.Type))).toEqual(
      new Set(['AWS::WAFv2::WebACL', 'Custom::CrossRegionExportWriter', 'AWS::Lambda::Function', 'AWS::IAM::Role']));
    const api = Template.fromStack(stacks.api);
    api.resourceCountIs('AWS::WAFv2::WebACL', 0);
    const [[, dist]] = resourcesOf(api, 'AWS::CloudFront::Distribution');
    expect(JSON.stringify(dist.Properties.DistributionConfig.WebACLId)).toMatch(/ExportsReader.*FrontDoorAcl/);
    const asm = app.synth();
    expect(asm.stacks.map((s) => s.stackName).sort()).toEqual(['CognitoAuthApi', 'CognitoAuthApi-Waf']);
    expect(asm.getStackByName('CognitoAuthApi').dependencies.map((d) => d.id)).toContain('CognitoAuthApi-Waf');
  });

  test('in us-east-1 one stack: the construct creates the web ACL itself', () => {
    const { stacks } = appFromContext({ region: 'us-east-1' }, false);
    expect(stacks.waf).toBeUndefined();
    Template.fromStack(stacks.api).resourceCountIs('AWS::WAFv2::WebACL', 1);
  });

  test('an existing web ACL ARN: no companion stack, the distribution uses it', () => {
    const arn = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/org-edge/0123abcd-0000-1111-2222-333344445555';
    const { stacks } = appFromContext({ region: 'eu-west-1', webAclArn: arn }, false);
    expect(stacks.waf).toBeUndefined();
    const [[, dist]] = resourcesOf(Template.fromStack(stacks.api), 'AWS::CloudFront::Distribution');
    expect(dist.Properties.DistributionConfig.WebACLId).toBe(arn);
  });

  test('frontDoor=false: one stack, no CloudFront, no WAF', () => {
    const { stacks } = appFromContext({ region: 'eu-west-1', frontDoor: 'false' }, false);
    expect(stacks.waf).toBeUndefined();
    const t = Template.fromStack(stacks.api);
    t.resourceCountIs('AWS::CloudFront::Distribution', 0);
    t.resourceCountIs('AWS::WAFv2::WebACL', 0);
  });

  test('context sets the refresh-token rotation grace period, and refuses a bad one', () => {
    const { stacks } = appFromContext({ region: 'us-east-1', refreshTokenRotationGracePeriodSeconds: '0' }, false);
    Template.fromStack(stacks.api).hasResourceProperties('AWS::Cognito::UserPoolClient', { RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 0 } });
    for (const bad of ['61', '-1', '2.5', 'ten']) {
      expect(() => appFromContext({ region: 'us-east-1', refreshTokenRotationGracePeriodSeconds: bad }, false))
        .toThrow(`context refreshTokenRotationGracePeriodSeconds must be a whole number of seconds from 0 to 60 (got "${bad}")`);
    }
  });

  test('context sets stack name, origins, passkey relying party, removal policy, TOTP issuer', () => {
    const { stacks } = appFromContext({ region: 'us-east-1', stackName: 'AuthDev', corsOrigins: 'https://a.example.org, https://b.example.org', passkeyRelyingPartyId: 'example.org', removalPolicy: 'destroy', totpIssuer: 'Acme' }, false);
    expect(stacks.api.stackName).toBe('AuthDev');
    const t = Template.fromStack(stacks.api);
    t.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: { AllowOrigins: ['https://a.example.org', 'https://b.example.org'] } });
    t.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Delete' });
    t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { TOTP_ISSUER: 'Acme' } } });
    t.hasResourceProperties('AWS::Cognito::UserPool', { WebAuthnRelyingPartyID: 'example.org' });
    t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { PASSKEY_RP_ID: 'example.org' } } });
  });
});
