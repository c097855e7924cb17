import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { Aws, CfnOutput, DockerImage, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { CfnApi, HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
  CachePolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import {
  consoleSecurityHeaders,
  CORS_ALLOWED_HEADERS,
  CORS_ALLOWED_METHODS,
  CORS_EXPOSED_HEADERS,
  CORS_MAX_AGE_SECONDS,
} from '../console-settings';

/**
 * The web console and the embeddable portal script in AWS: built assets in a private, encrypted S3
 * bucket that only this CloudFront distribution can read (origin access control), served over HTTPS
 * only with strict security headers (CSP without inline scripts, HSTS, no framing), plus the page's
 * config.json (API URL and the OIDC issuer, client id and audience the API's JWT authorizer trusts).
 * `allowOn(api)` limits the API's CORS to the console's origin and the portal's embedding origins.
 */

export interface ConsoleOidcSettings {
  readonly issuer: string;
  readonly clientId: string;
  readonly audience: string;
}

export interface WebhooksConsoleProps {
  /** The API's base URL the page calls (the HTTP API's endpoint). */
  readonly apiUrl: string;
  readonly oidc: ConsoleOidcSettings;
  /** Origins of other apps that embed <betterdata-webhooks> (CDK context `portalAllowedOrigins`). */
  readonly portalAllowedOrigins: readonly string[];
  /** Origins the page may call besides the API and the issuer (an IdP's token endpoint on another host). */
  readonly extraConnectOrigins?: readonly string[];
}

const CONSOLE_SOURCE = resolve(import.meta.dirname, '../../console');
const REPO_ROOT = resolve(import.meta.dirname, '../..');

/** Builds the console into the asset's output directory with the project's own build (esbuild, no Docker). */
const localBuild = {
  tryBundle(outputDir: string): boolean {
    const result = spawnSync('npx', ['tsx', 'console/build.ts', outputDir], { cwd: REPO_ROOT, stdio: 'inherit' });
    return result.status === 0;
  },
};

export class WebhooksConsole extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  /** `https://<distribution domain>`: the console's origin. */
  readonly origin: string;
  readonly url: string;
  readonly allowedOrigins: readonly string[];

  constructor(scope: Construct, id: string, props: WebhooksConsoleProps) {
    super(scope, id);
    const logs = this.createAccessLogsBucket();
    this.bucket = new Bucket(this, 'Assets', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 's3/',
      // Holds only the built console (rebuilt on every deploy); retained like every bucket here.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.distribution = this.createDistribution(logs, props);
    this.origin = `https://${this.distribution.distributionDomainName}`;
    this.url = `${this.origin}/`;
    this.allowedOrigins = [this.origin, ...props.portalAllowedOrigins];
    this.deployAssets(props);

    new CfnOutput(this, 'Url', {
      description: 'The web console (sign in with the OIDC issuer)',
      value: this.url,
    }).overrideLogicalId('ConsoleUrl');
    new CfnOutput(this, 'PortalScriptUrl', {
      description: 'The <betterdata-webhooks> portal script for embedding apps',
      value: `${this.origin}/portal.js`,
    }).overrideLogicalId('ConsolePortalScriptUrl');
  }

  private createAccessLogsBucket(): Bucket {
    const logs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // CloudFront standard logging writes with ACLs.
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(logs).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the access-log bucket of the console bucket and distribution; logging it into itself would loop.',
    });
    return logs;
  }

  /** HTTPS only, with the security headers the local runtime also serves (console-settings.ts). */
  private createDistribution(logs: Bucket, props: WebhooksConsoleProps): Distribution {
    const issuerOrigin = new URL(props.oidc.issuer).origin;
    const connectSrc = [
      // The API's own hostname is not known without a cycle (its CORS names this distribution).
      `https://*.execute-api.${Aws.REGION}.amazonaws.com`,
      issuerOrigin,
      ...(props.extraConnectOrigins ?? []),
    ];
    const shared = consoleSecurityHeaders(connectSrc);
    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Better Data console: CSP without inline scripts, HSTS, no framing, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: shared['content-security-policy']!, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          preload: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Permissions-Policy', value: shared['permissions-policy']!, override: true },
          { header: 'Cross-Origin-Opener-Policy', value: shared['cross-origin-opener-policy']!, override: true },
        ],
      },
    });
    const distribution = new Distribution(this, 'Distribution', {
      comment: 'Better Data webhooks console and portal script',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
      },
    });
    Validations.of(distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'The console is used by customers worldwide; access is controlled by OIDC sign-in, not geography.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'Static assets only (no server-side logic, no data): every call the page makes goes to the ' +
          'API, which is throttled per route.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'Served on the default *.cloudfront.net certificate until a custom domain is attached; ' +
          'viewers are HTTPS-only and the minimum protocol is set to TLSv1.2_2021 for when one is.',
      },
    );
    return distribution;
  }

  /** The built console plus config.json, copied into the bucket on each deploy, the cache invalidated. */
  private deployAssets(props: WebhooksConsoleProps): void {
    // An explicit role instead of AWSLambdaBasicExecutionRole: it may write only to its own log group.
    const deployLogs = new LogGroup(this, 'DeployLogs', { retention: RetentionDays.THREE_MONTHS });
    const deployRole = new Role(this, 'DeployRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Copies the built console into its bucket and invalidates the distribution',
    });
    deployLogs.grantWrite(deployRole);
    const deployment = new BucketDeployment(this, 'Deploy', {
      role: deployRole,
      logGroup: deployLogs,
      destinationBucket: this.bucket,
      sources: [
        Source.asset(CONSOLE_SOURCE, {
          exclude: ['dist'],
          bundling: { image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:24'), local: localBuild },
        }),
        Source.jsonData('config.json', {
          mode: 'oidc',
          apiUrl: props.apiUrl,
          oidc: { issuer: props.oidc.issuer, clientId: props.oidc.clientId, audience: props.oidc.audience },
        }),
      ],
      // Files keep stable names: browsers revalidate each load (ETag), and deploys invalidate the cache.
      cacheControl: [CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 512,
    });
    this.acknowledgeDeploymentFindings(deployment);
  }

  /** The HTTP API answers CORS for the console and the portal's embedding origins only. */
  allowOn(api: HttpApi): void {
    const cfnApi = api.node.defaultChild as CfnApi;
    cfnApi.corsConfiguration = {
      allowOrigins: [...this.allowedOrigins],
      allowHeaders: [...CORS_ALLOWED_HEADERS],
      allowMethods: [...CORS_ALLOWED_METHODS],
      exposeHeaders: [...CORS_EXPOSED_HEADERS],
      maxAge: CORS_MAX_AGE_SECONDS,
      allowCredentials: false,
    };
  }

  /**
   * BucketDeployment's function is CDK's own; its role is ours (logs to its own group only). The S3 and
   * CloudFront grants CDK adds: read the CDK asset bucket, write this bucket's objects, and create the
   * invalidation (no resource-level permission exists for it). Each finding is acknowledged by its id.
   */
  private acknowledgeDeploymentFindings(deployment: BucketDeployment): void {
    const stack = Stack.of(this);
    const provider = stack.node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
    const policy = deployment.handlerRole.node.tryFindChild('DefaultPolicy');
    if (!provider || !policy) throw new Error(`BucketDeployment ${deployment.node.path}: its provider was not found`);
    Validations.of(provider.node.defaultChild ?? provider).acknowledge({
      id: 'AwsSolutions-L1',
      reason: "CDK's BucketDeployment provider pins the Lambda runtime its bundled code is built for.",
    });
    const bucketId = stack.getLogicalId(this.bucket.node.defaultChild as CfnBucket);
    const wildcards = [
      'Action::s3:GetBucket*',
      'Action::s3:GetObject*',
      'Action::s3:List*',
      'Action::s3:Abort*',
      'Action::s3:DeleteObject*',
      `Resource::<${bucketId}.Arn>/*`,
      'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
      'Resource::*',
    ];
    Validations.of(policy).acknowledge(
      ...wildcards.map((finding) => ({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason:
          "CDK's BucketDeployment: copies the console from the CDK asset bucket into this bucket " +
          '(object wildcards within those two buckets) and creates the CloudFront invalidation, ' +
          'which has no resource-level permission.',
      })),
    );
  }
}
