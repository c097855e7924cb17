import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ROUTES, type FunctionName, type RouteSpec } from '../../shared/platform/topology';
import { createHandlerLoader, topologyFunctions, type HandlerLoader } from './handlers';
import { buildHttpApiEvent } from './http-event';
import { toGatewayResponse, type GatewayResponse } from './http-result';
import { authorizeInternalCaller, type IamAuthorizerContext } from './iam';
import { claimsAsDelivered, tokenFromAuthorizationHeader, verifyLocalToken } from './jwt';
import { LOCAL_ACCOUNT_ID, createLambdaContext, invokeHandler, type LocalFunction } from './lambda-context';
import { createLocalLog, type LocalLog } from './log';
import { matchRoute } from './routes';
import { corsHeaders, preflightHeaders } from '../console-settings';
import { CONSOLE_PATH, type ConsoleServer } from './console';
import { isAllowedHost } from './host-check';

/**
 * The local API Gateway (HTTP API): matches ROUTES, emulates the JWT authorizer and IAM
 * authorization (a bearer token in place of SigV4, see iam.ts), builds the payload-2.0 event, invokes
 * the handler with a Lambda context and writes its result back. Answers that API Gateway itself gives
 * (404 no route, 401 JWT authorizer, 403 IAM, 413 too large, 500 function error) use API Gateway's
 * bodies.
 */

/** HTTP API's request payload limit. (A Lambda integration also caps the whole event at 6 MB.) */
export const MAX_REQUEST_BODY_BYTES = 10 * 1024 * 1024;
export const LOCAL_API_ID = 'local';

export interface GatewayOptions {
  readonly port?: number;
  readonly host?: string;
  readonly region: string;
  readonly jwtSecret: string;
  /** The bearer token `auth: 'iam'` routes accept in place of SigV4; without one they refuse everything. */
  readonly internalApiToken?: string;
  readonly routes?: readonly RouteSpec[];
  readonly loadHandler?: HandlerLoader;
  /** Name, timeout and memory per function; topology's FUNCTIONS by default. */
  readonly functions?: Record<FunctionName, LocalFunction>;
  readonly maxBodyBytes?: number;
  readonly log?: LocalLog;
  /** Serves /console/ (assets, config.json, the DEV token route); without it those paths are 404. */
  readonly console?: ConsoleServer;
  /** Browser origins the API answers CORS for (PORTAL_ALLOWED_ORIGINS), like the HTTP API's CORS settings. */
  readonly allowedOrigins?: readonly string[];
  /** Host names besides loopback with the gateway's port that requests may name (tunnels); see host-check.ts. */
  readonly allowedHosts?: readonly string[];
}

export interface Gateway {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const messageResponse = (statusCode: number, message: string): GatewayResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  cookies: [],
  body: Buffer.from(JSON.stringify({ message })),
});

const NOT_FOUND = () => messageResponse(404, 'Not Found');
const UNAUTHORIZED = () => messageResponse(401, 'Unauthorized');
/** HTTP API's answer to an unsigned or wrongly signed request on an IAM-authorized route. */
const FORBIDDEN = () => messageResponse(403, 'Forbidden');
const TOO_LARGE = () => messageResponse(413, 'Request Entity Too Large');
const INTERNAL_ERROR = () => messageResponse(500, 'Internal Server Error');
/** A request naming another host (DNS rebinding, a mistyped tunnel): not for this gateway. */
const MISDIRECTED = () => messageResponse(421, 'Misdirected Request');

/** API Gateway request ids look like `JKJaXmPLvHcESHA=`. */
const newRequestId = () => randomBytes(11).toString('base64');
const newTraceId = (now: Date) =>
  `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;

function headerPairs(req: IncomingMessage): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2)
    pairs.push([req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string]);
  return pairs;
}

/** Reads the body; beyond the limit it keeps draining (so the client sees the 413) but stops storing. */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    return 'too-large';
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  }
  return size > limit ? 'too-large' : Buffer.concat(chunks);
}

function send(res: ServerResponse, response: GatewayResponse, requestId: string): void {
  const headers: Record<string, string | string[]> = { ...response.headers, 'apigw-requestid': requestId };
  if (response.cookies.length > 0) headers['set-cookie'] = [...response.cookies];
  headers['content-length'] = String(response.body.length);
  res.writeHead(response.statusCode, headers);
  res.end(response.body);
}

/** What one request's handling needs: the options with their defaults applied, and the bound port. */
interface GatewayContext {
  readonly options: GatewayOptions;
  readonly routes: readonly RouteSpec[];
  readonly loadHandler: HandlerLoader;
  readonly functions: Record<FunctionName, LocalFunction>;
  readonly maxBodyBytes: number;
  readonly log: LocalLog;
  readonly allowedOrigins: readonly string[];
  port: number;
}

type RouteMatch = NonNullable<ReturnType<typeof matchRoute>>;
type Caller = { jwtClaims?: Record<string, string>; iamCaller?: IamAuthorizerContext };

/** Answers given before any route: foreign hosts, the console's paths and CORS preflights. */
async function answerBeforeRoutes(ctx: GatewayContext, req: IncomingMessage): Promise<GatewayResponse | undefined> {
  const url = req.url ?? '/';
  // A page using DNS rebinding names its own host: only this gateway's own names are answered.
  if (!isAllowedHost(req.headers.host, ctx.port, ctx.options.allowedHosts ?? [])) {
    req.resume();
    ctx.log.info(`${req.method} ${url}: refused, Host ${req.headers.host ?? '(none)'} is not this gateway (421)`);
    return MISDIRECTED();
  }
  const pathname = url.split('?')[0] ?? '/';
  if (ctx.options.console && (pathname === '/console' || pathname.startsWith(CONSOLE_PATH))) {
    const body = await readBody(req, ctx.maxBodyBytes);
    if (body === 'too-large') return TOO_LARGE();
    return ctx.options.console({ method: req.method ?? 'GET', path: pathname, body });
  }
  // The HTTP API answers CORS preflights itself, before any route or authorizer.
  if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
    req.resume();
    const headers = preflightHeaders(req.headers.origin, ctx.allowedOrigins);
    return { statusCode: 204, headers, cookies: [], body: Buffer.alloc(0) };
  }
  return undefined;
}

/** The route's authorizer: the JWT authorizer's claims, or the IAM caller; a refusal as API Gateway gives it. */
async function authorize(
  ctx: GatewayContext,
  req: IncomingMessage,
  route: RouteSpec,
): Promise<Caller | GatewayResponse> {
  const url = req.url ?? '/';
  if (route.auth === 'jwt') {
    const token = tokenFromAuthorizationHeader(req.headers.authorization);
    if (!token) return UNAUTHORIZED();
    try {
      return { jwtClaims: claimsAsDelivered(await verifyLocalToken(ctx.options.jwtSecret, token)) };
    } catch (error) {
      ctx.log.info(`${req.method} ${url}: token rejected (${(error as Error).message})`);
      return UNAUTHORIZED();
    }
  }
  if (route.auth === 'iam') {
    const iamCaller = authorizeInternalCaller(req.headers.authorization, ctx.options.internalApiToken);
    if (!iamCaller) {
      ctx.log.info(`${req.method} ${url}: refused (IAM route; send Authorization: Bearer $INTERNAL_API_TOKEN)`);
      return FORBIDDEN();
    }
    return { iamCaller };
  }
  return {};
}

interface RouteCall {
  readonly match: RouteMatch;
  readonly body: Buffer;
  readonly caller: Caller;
  readonly requestId: string;
}

/** Builds the payload-2.0 event and invokes the route's handler with a Lambda context. */
async function invokeRoute(ctx: GatewayContext, req: IncomingMessage, call: RouteCall): Promise<GatewayResponse> {
  const { match, body, caller, requestId } = call;
  const now = new Date();
  const event = buildHttpApiEvent(
    {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: headerPairs(req),
      body: body.length > 0 ? body : undefined,
      sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
      protocol: `HTTP/${req.httpVersion}`,
      localPort: req.socket.localPort ?? 0,
      scheme: 'http',
    },
    {
      routeKey: match.routeKey,
      pathParameters: match.pathParameters,
      requestId,
      traceId: newTraceId(now),
      time: now,
      accountId: LOCAL_ACCOUNT_ID,
      apiId: LOCAL_API_ID,
      ...(caller.jwtClaims ? { jwtClaims: caller.jwtClaims } : {}),
      ...(caller.iamCaller ? { iamCaller: caller.iamCaller } : {}),
    },
  );
  const fn = ctx.functions[match.route.function];
  try {
    const handler = await ctx.loadHandler(match.route.function);
    const context = createLambdaContext(fn, ctx.options.region, now.getTime());
    return toGatewayResponse(await invokeHandler(handler, event, context, fn.timeoutSeconds));
  } catch (error) {
    ctx.log.error(`${match.routeKey} → ${match.route.function} failed (request ${requestId})`, error);
    return INTERNAL_ERROR();
  }
}

async function handle(ctx: GatewayContext, req: IncomingMessage, requestId: string): Promise<GatewayResponse> {
  const early = await answerBeforeRoutes(ctx, req);
  if (early) return early;
  const match = matchRoute(ctx.routes, req.method ?? 'GET', req.url ?? '/');
  if (!match) {
    req.resume();
    return NOT_FOUND();
  }
  const body = await readBody(req, ctx.maxBodyBytes);
  if (body === 'too-large') return TOO_LARGE();
  const caller = await authorize(ctx, req, match.route);
  if ('statusCode' in caller) return caller;
  return invokeRoute(ctx, req, { match, body, caller, requestId });
}

function createGatewayServer(ctx: GatewayContext): Server {
  const server: Server = createServer((req, res) => {
    const started = Date.now();
    const requestId = newRequestId();
    handle(ctx, req, requestId)
      .catch((error: unknown) => {
        ctx.log.error(`Unexpected gateway error for ${req.method} ${req.url}`, error);
        return INTERNAL_ERROR();
      })
      .then((answer) => {
        const response = {
          ...answer,
          headers: { ...answer.headers, ...corsHeaders(req.headers.origin, ctx.allowedOrigins) },
        };
        send(res, response, requestId);
        ctx.log.info(`${req.method} ${req.url} → ${response.statusCode} (${Date.now() - started} ms)`);
      })
      .catch((error: unknown) => ctx.log.error('Could not write the response', error));
  });
  // Requests carry up to 10 MiB; keep Node's own limits out of the way but bounded.
  server.requestTimeout = 60_000;
  return server;
}

async function listen(server: Server, port: number | undefined, host: string): Promise<number> {
  await new Promise<void>((resolveListen, reject) => {
    const onError = (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`Port ${port} on ${host} is in use; set PORT or pass --port`, { cause: error })
          : error,
      );
    server.once('error', onError);
    server.listen(port ?? 0, host, () => {
      server.off('error', onError);
      resolveListen();
    });
  });
  return (server.address() as AddressInfo).port;
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const host = options.host ?? '127.0.0.1';
  const ctx: GatewayContext = {
    options,
    routes: options.routes ?? ROUTES,
    loadHandler: options.loadHandler ?? createHandlerLoader(),
    functions: options.functions ?? topologyFunctions(),
    maxBodyBytes: options.maxBodyBytes ?? MAX_REQUEST_BODY_BYTES,
    log: options.log ?? createLocalLog(),
    allowedOrigins: options.allowedOrigins ?? [],
    port: 0,
  };
  const server = createGatewayServer(ctx);
  ctx.port = await listen(server, options.port, host);
  return {
    url: `http://${host}:${ctx.port}`,
    port: ctx.port,
    close: () =>
      new Promise<void>((resolveClose, reject) => {
        server.close((error) => (error ? reject(error) : resolveClose()));
        server.closeAllConnections();
      }),
  };
}
