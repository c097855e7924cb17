import { Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  type HttpRoute,
  type HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import {
  FUNCTIONS,
  ROUTES,
  type FunctionName,
  type RouteSpec,
  type Throttle,
  type ThrottleName,
} from '../../shared/platform/topology';

/**
 * The HTTP API: one route per topology ROUTES entry on the functions behind them, the JWT and IAM
 * authorizers, a `$default` stage with JSON access logs, the APIs' throttle and per-route throttles
 * for the webhook routes.
 */

export const HTTP_METHODS: Record<RouteSpec['method'], HttpMethod> = {
  GET: HttpMethod.GET,
  POST: HttpMethod.POST,
  PUT: HttpMethod.PUT,
  PATCH: HttpMethod.PATCH,
  DELETE: HttpMethod.DELETE,
  ANY: HttpMethod.ANY,
};

/** Unauthenticated routes are only accepted under these prefixes, where the function verifies an HMAC. */
const WEBHOOK_PATH_PREFIXES = ['/webhooks/', '/api/webhooks/', '/oauth/'] as const;
/** IAM-authorized routes (SigV4, other Better Data services) are only accepted under this prefix. */
const INTERNAL_PATH_PREFIX = '/internal/';

/** One JSON line per request: what an on-call engineer looks for first. */
const ACCESS_LOG_FORMAT = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
};

export interface HttpApiProps {
  readonly jwtIssuer: string;
  readonly jwtAudience: string[];
  readonly functions: Record<FunctionName, IFunction>;
  /** Request rates per route class, with the `throttles` context applied. */
  readonly throttles: Record<ThrottleName, Throttle>;
  readonly logRetention: RetentionDays;
}

export interface CreatedHttpApi {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  readonly routes: HttpRoute[];
}

/** A route's auth must match where it lives: unauthenticated only for webhooks, IAM only for internal paths. */
function checkRoutePath(route: RouteSpec): void {
  if (route.auth === 'iam' && !route.path.startsWith(INTERNAL_PATH_PREFIX)) {
    throw new Error(`Route ${route.method} ${route.path} has auth 'iam' but is not under ${INTERNAL_PATH_PREFIX}`);
  }
  if (route.auth === 'none' && !WEBHOOK_PATH_PREFIXES.some((prefix) => route.path.startsWith(prefix))) {
    throw new Error(
      `Route ${route.method} ${route.path} has auth 'none' but is not under ${WEBHOOK_PATH_PREFIXES.join(' or ')}`,
    );
  }
}

function acknowledgeUnauthenticated(route: RouteSpec, created: HttpRoute[]): void {
  for (const httpRoute of created) {
    Validations.of(httpRoute).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        `Webhook or OAuth callback ${route.method} ${route.path}, called by a webhook sender (Stripe, ` +
        `Square, Shopify or a registered inbound source) or a browser returning from a provider's ` +
        `consent page ` +
        `that cannot present a JWT; ${FUNCTIONS[route.function].id} authenticates every request by its ` +
        `HMAC signature (or a single-use OAuth state) before acting on it.`,
    });
  }
}

/**
 * A route-level throttle (HTTP API route settings) on the routes of one topology route, so a flood on
 * it answers 429 there and leaves the stage default to the APIs and other webhook routes. The stage
 * must be created after the routes its settings name.
 */
function throttleRoute(stage: HttpStage, route: RouteSpec, throttle: Throttle, created: HttpRoute[]): void {
  const cfnStage = stage.node.defaultChild as CfnStage;
  // RouteSettings is untyped JSON in the L1 construct: CloudFormation's own (PascalCase) property names.
  const settings = (cfnStage.routeSettings ?? {}) as Record<string, Record<string, number>>;
  settings[`${HTTP_METHODS[route.method]} ${route.path}`] = {
    ThrottlingRateLimit: throttle.rateLimit,
    ThrottlingBurstLimit: throttle.burstLimit,
  };
  for (const httpRoute of created) cfnStage.node.addDependency(httpRoute);
  cfnStage.routeSettings = settings;
}

function createStage(scope: Construct, api: HttpApi, props: HttpApiProps): { stage: HttpStage; accessLogs: LogGroup } {
  const accessLogs = new LogGroup(scope, 'HttpApiAccessLogs', { retention: props.logRetention });
  const stage = api.addStage('DefaultStage', {
    stageName: '$default',
    autoDeploy: true,
    // The APIs' default; webhook routes get their own (throttleRoute).
    throttle: props.throttles.api,
    accessLogSettings: {
      destination: new LogGroupLogDestination(accessLogs),
      format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FORMAT)),
    },
  });
  return { stage, accessLogs };
}

/** One integration per function, shared by its routes. */
function integrationsOf(functions: Record<FunctionName, IFunction>): (name: FunctionName) => HttpLambdaIntegration {
  const integrations = new Map<FunctionName, HttpLambdaIntegration>();
  return (name) => {
    let integration = integrations.get(name);
    if (!integration) {
      integration = new HttpLambdaIntegration(`${FUNCTIONS[name].id}Integration`, functions[name]);
      integrations.set(name, integration);
    }
    return integration;
  };
}

export function createHttpApi(scope: Construct, props: HttpApiProps): CreatedHttpApi {
  const api = new HttpApi(scope, 'HttpApi', {
    description: 'Better Data webhooks: inbound webhooks and the read API',
    // The $default stage is created below, with access logging and throttling.
    createDefaultStage: false,
  });
  const { stage, accessLogs } = createStage(scope, api, props);
  const jwtAuthorizer = new HttpJwtAuthorizer('JwtAuthorizer', props.jwtIssuer, {
    jwtAudience: props.jwtAudience,
    identitySource: ['$request.header.Authorization'],
  });
  const iamAuthorizer = new HttpIamAuthorizer();
  const authorizers: Record<RouteSpec['auth'], () => IHttpRouteAuthorizer> = {
    none: () => new HttpNoneAuthorizer(),
    jwt: () => jwtAuthorizer,
    iam: () => iamAuthorizer,
  };
  const integration = integrationsOf(props.functions);
  const routes: HttpRoute[] = [];
  for (const route of ROUTES) {
    checkRoutePath(route);
    const created = api.addRoutes({
      path: route.path,
      methods: [HTTP_METHODS[route.method]],
      integration: integration(route.function),
      authorizer: authorizers[route.auth](),
    });
    if (route.auth === 'none') acknowledgeUnauthenticated(route, created);
    routes.push(...created);
    if (route.throttle) throttleRoute(stage, route, props.throttles[route.throttle], created);
  }
  return { api, stage, accessLogs, routes };
}
