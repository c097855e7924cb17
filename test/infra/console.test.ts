import { readFileSync } from 'node:fs';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app';
import { PORTAL_ALLOWED_ORIGINS_CONTEXT } from '../../infra/console-settings';
import type { WebhooksStack } from '../../infra/webhooks-stack';
import { ENV } from '../../shared/platform/topology';
import type { App } from 'aws-cdk-lib';

/**
 * The console in the CDK stack: private bucket read only by its CloudFront distribution (origin access
 * control), HTTPS only, strict security headers, the built assets deployed with config.json, and the
 * API's CORS limited to the console's origin plus the configured portal origins; cdk-nag clean.
 */

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};
const PORTAL_ORIGIN = 'https://admin.betterdata.example';

let app: App;
let stack: WebhooksStack;
let template: Template;
type Resource = { Type: string; Properties: Record<string, unknown> };
let resources: Record<string, Resource>;
const ofType = (type: string) => Object.values(resources).filter((resource) => resource.Type === type);

beforeAll(() => {
  ({ app, stack } = buildApp({
    builtinCloudFormationValidation: false,
    context: {
      ...cdkJson.context,
      'aws:cdk:bundling-stacks': [],
      '@aws-cdk/core:failSynthOnValidationErrors': false,
      [PORTAL_ALLOWED_ORIGINS_CONTEXT]: PORTAL_ORIGIN,
    },
    env: {},
  }));
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources as Record<string, Resource>;
});

describe('Console (S3 + CloudFront)', () => {
  it('keeps the assets in a private, encrypted bucket that only the distribution reads, through OAC', () => {
    const bucketId = stack.getLogicalId(stack.console.bucket.node.defaultChild as never);
    const bucket = resources[bucketId]!;
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.BucketEncryption).toBeDefined();
    expect(ofType('AWS::CloudFront::OriginAccessControl')).toHaveLength(1);
    const policy = JSON.stringify(
      ofType('AWS::S3::BucketPolicy').find((p) => JSON.stringify(p.Properties.Bucket).includes(bucketId))!.Properties,
    );
    expect(policy).toContain('cloudfront.amazonaws.com');
    expect(policy).toContain('AWS:SourceArn');
  });

  it('serves HTTPS only, with CSP without unsafe-inline, HSTS, no framing and no referrer', () => {
    const [distribution] = ofType('AWS::CloudFront::Distribution');
    const config = distribution!.Properties.DistributionConfig as Record<string, Record<string, unknown>>;
    expect(config.DefaultCacheBehavior!.ViewerProtocolPolicy).toBe('https-only');
    expect(config.DefaultRootObject).toBe('index.html');
    const [headers] = ofType('AWS::CloudFront::ResponseHeadersPolicy');
    const security = JSON.stringify(headers!.Properties);
    expect(security).toContain("script-src 'self'");
    expect(security).toContain("frame-ancestors 'none'");
    expect(security).not.toContain('unsafe-inline');
    expect(security).toContain('"IncludeSubdomains":true');
    expect(security).toContain('"FrameOption":"DENY"');
    expect(security).toContain('"ReferrerPolicy":"no-referrer"');
  });

  it('deploys the built assets and a config.json naming the API', () => {
    const [deployment] = ofType('Custom::CDKBucketDeployment');
    expect(deployment).toBeDefined();
    const text = JSON.stringify(deployment!.Properties);
    // config.json is a deploy-time JSON asset whose apiUrl is the HTTP API's endpoint.
    expect(text).toContain('"ApiEndpoint"');
    expect((deployment!.Properties.SourceObjectKeys as unknown[]).length).toBe(2);
    expect(deployment!.Properties.DistributionPaths).toEqual(['/*']);
    const outputs = template.toJSON().Outputs as Record<string, unknown>;
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining(['ConsoleUrl', 'ConsolePortalScriptUrl']));
  });

  it("limits the API's CORS to the console's origin and the portal's configured origins", () => {
    const [api] = ofType('AWS::ApiGatewayV2::Api');
    const cors = api!.Properties.CorsConfiguration as { AllowOrigins: unknown[]; AllowHeaders: string[] };
    expect(cors.AllowOrigins).toHaveLength(2);
    expect(JSON.stringify(cors.AllowOrigins[0])).toContain('DomainName');
    expect(cors.AllowOrigins[1]).toBe(PORTAL_ORIGIN);
    expect(JSON.stringify(cors.AllowOrigins)).not.toContain('*');
    expect(cors.AllowHeaders).toEqual(['authorization', 'content-type']);
  });

  it('refuses a portal origin that is not an https origin', () => {
    expect(() =>
      buildApp({
        builtinCloudFormationValidation: false,
        context: {
          ...cdkJson.context,
          'aws:cdk:bundling-stacks': [],
          [PORTAL_ALLOWED_ORIGINS_CONTEXT]: 'http://admin.example.com',
        },
        env: {},
      }),
    ).toThrow(/https/);
  });

  it(
    'sends the browser back from an OAuth callback to the deployed console (CONSOLE_URL is the ' +
      "distribution's URL)",
    () => {
      const fn = resources[stack.getLogicalId(stack.functions.connectionsOauth.node.defaultChild as never)]!;
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      const distributionId = stack.getLogicalId(stack.console.distribution.node.defaultChild as never);
      expect(JSON.stringify(variables[ENV.consoleUrl])).toContain(distributionId);
      expect(JSON.stringify(variables[ENV.consoleUrl])).toContain('DomainName');
    },
  );

  it('has no unacknowledged cdk-nag finding in the console', () => {
    const report = new AwsSolutionsChecks(app).validateScope(app);
    const findings = report.violations.flatMap((v) =>
      v.violatingResources
        .map((r) => r.constructPath ?? '')
        .filter(
          (path) => path.includes('/Console/') || path.includes('BucketDeployment') || path.includes('AutoDelete'),
        )
        .map((path) => `${v.ruleName}: ${path}`),
    );
    expect(findings).toEqual([]);
  });
});
