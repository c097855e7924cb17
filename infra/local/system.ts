import { ENV, type FunctionName, type QueueName } from '../../shared/platform/topology';
import { formatBanner } from './banner';
import { startEmulators, type Emulators } from './emulators';
import { applyEnv, buildFunctionEnv } from './env';
import { startGateway, type Gateway } from './gateway';
import { createHandlerLoader, type HandlerLoader } from './handlers';
import { createLocalLog, type LocalLog } from './log';
import { startPollers, type Pollers } from './pollers';
import { startSchedules, type Schedules } from './schedules';
import { startProviderSimulators, type ProviderSimulators } from './simulators/provider-simulators';
import { createConsoleServer, prepareConsole, CONSOLE_PATH } from './console';
import { parseAllowedOrigins, PORTAL_ALLOWED_ORIGINS_ENV } from '../console-settings';
import { localRouteUrls, localSquareNotificationUrl, readLocalSettings, type LocalSettings } from './settings';
import { startTtlSweeper, type TtlSweeper } from './ttl-sweeper';

/**
 * The whole system in one process: emulators, SQS pollers and the HTTP gateway, invoking the same
 * handler modules Lambda runs. Used by `npm start` and by integration tests.
 *
 * One LocalSystem per process at a time: handlers are ES module singletons that read their
 * configuration (endpoints, queue URLs) when first imported, and `env` is applied to process.env.
 * Starting a second system after stopping the first works for the emulators, but handler modules
 * already imported keep the first system's configuration — so integration tests start one system per
 * test file and run files one at a time (`fileParallelism: false`, each file in its own worker).
 */

export interface LocalSystemOptions {
  /** Gateway port; 0 picks a free one. Default: PORT or 3000. */
  port?: number;
  /** DynamoDB in memory instead of `<dataDir>/dynamodb`. Default false: tests should pass true. */
  memory?: boolean;
  /** Default: DATA_DIR or `.data`. */
  dataDir?: string;
  /** Environment overrides applied last, e.g. STRIPE_WEBHOOK_SECRET, STRIPE_API_KEY, STRIPE_API_BASE_URL. */
  env?: Record<string, string>;
  /** Overrides every queue's visibility timeout (tests that wait for retries). */
  visibilityTimeoutSeconds?: number;
  /** No banner, no request log lines, function logs at WARN. */
  quiet?: boolean;
  /** Run SCHEDULES on timers (default true); tests fire them with `runSchedule`. */
  scheduleTimers?: boolean;
}

export interface LocalSystem {
  url: string;
  /** Everything the functions see: process.env once the system is running. */
  env: Record<string, string>;
  sqsEndpoint: string;
  dynamodbEndpoint: string;
  queueUrls: Record<QueueName, { url: string; dlqUrl: string; arn: string; dlqArn: string }>;
  jwtSecret: string;
  stripeWebhookSecrets: string[];
  /** Accepted Square signature keys (SQUARE_SIGNATURE_KEY, or the DEV default); the first signs test requests. */
  squareSignatureKeys: string[];
  /** Accepted Shopify app client secrets (SHOPIFY_API_SECRET, or the DEV default). */
  shopifyApiSecrets: string[];
  /**
   * SQUARE_NOTIFICATION_URL as the functions see it: the user's value, else `<url>/api/webhooks/square`.
   * A Square test request is signed over this string + body.
   */
  squareNotificationUrl: string;
  /** Bearer token for `auth: 'iam'` routes (POST /internal/events), in place of SigV4. */
  internalApiToken: string;
  /** The DEV Shopify and Square simulators (each undefined when real app credentials are set). */
  simulators: Pick<ProviderSimulators, 'shopify' | 'square'>;
  /** Invokes a scheduled function now, as its EventBridge rule would. */
  runSchedule(name: FunctionName): Promise<unknown>;
  /** The web console (DEV sign-in) on this gateway: `<url>/console/`. */
  consoleUrl: string;
  stop(): Promise<void>;
}

let running = false;

/** What has been started so far; a failed start or stop() stops exactly these, in reverse order. */
interface Parts {
  emulators?: Emulators;
  pollers?: Pollers;
  gateway?: Gateway;
  sweeper?: TtlSweeper;
  restoreEnv?: () => void;
  simulators?: ProviderSimulators;
  schedules?: Schedules;
}

type Started = Required<Parts>;

interface StartContext {
  readonly options: LocalSystemOptions;
  readonly settings: LocalSettings;
  readonly log: LocalLog;
  readonly overrides: Record<string, string>;
  readonly loadHandler: HandlerLoader;
}

async function shutdown(parts: Parts): Promise<void> {
  parts.schedules?.stop();
  // The emulators stop right after, so in-flight long polls can be cut short.
  await parts.sweeper?.stop();
  await parts.pollers?.stop({ immediate: true });
  await parts.gateway?.close();
  await parts.simulators?.close();
  await parts.emulators?.stop();
  parts.restoreEnv?.();
  running = false;
}

function startEmulatorsFor({ options, settings }: StartContext): Promise<Emulators> {
  return startEmulators({
    memory: options.memory ?? false,
    dataDir: options.dataDir ?? settings.dataDir,
    ...(options.visibilityTimeoutSeconds !== undefined
      ? { visibilityTimeoutSeconds: options.visibilityTimeoutSeconds }
      : {}),
  });
}

async function startGatewayFor(ctx: StartContext, emulators: Emulators): Promise<Gateway> {
  const { options, settings, overrides } = ctx;
  const consoleDist = await prepareConsole(ctx.log);
  return startGateway({
    port: options.port ?? settings.port,
    region: emulators.region,
    jwtSecret: settings.jwtSecret,
    internalApiToken: settings.internalApiToken,
    allowedHosts: settings.allowedHosts,
    loadHandler: ctx.loadHandler,
    log: ctx.log,
    console: createConsoleServer({ distDir: consoleDist, jwtSecret: settings.jwtSecret }),
    allowedOrigins: parseAllowedOrigins(
      overrides[PORTAL_ALLOWED_ORIGINS_ENV] ?? process.env[PORTAL_ALLOWED_ORIGINS_ENV],
    ),
  });
}

/** The DEV provider simulators, then the functions' environment (complete before the first handler import). */
async function startSimulatorsAndEnv(ctx: StartContext, parts: Parts, emulators: Emulators, gateway: Gateway) {
  const { settings, overrides } = ctx;
  const userEnv = { ...process.env, ...overrides };
  // Where callbacks and receivers are reached, and where the browser lands after a callback.
  const publicBaseUrl = userEnv[ENV.publicBaseUrl]?.trim() || gateway.url;
  const simulators = (parts.simulators = await startProviderSimulators({
    env: userEnv,
    publicBaseUrl,
    shopifyApiSecret: settings.shopifyApiSecrets[0] as string,
    squareSignatureKey: settings.squareSignatureKeys[0] as string,
    squareNotificationUrl: localSquareNotificationUrl(gateway.url, userEnv),
  }));
  parts.restoreEnv = applyEnv(
    buildFunctionEnv({
      emulatorEnv: emulators.functionEnvironment(),
      settings,
      gatewayUrl: gateway.url,
      quiet: ctx.options.quiet ?? false,
      current: process.env,
      overrides: {
        [ENV.publicBaseUrl]: publicBaseUrl,
        [ENV.consoleUrl]: userEnv[ENV.consoleUrl]?.trim() || `${gateway.url}/console/`,
        ...simulators.env,
        ...overrides,
      },
    }),
  );
}

async function startParts(ctx: StartContext, parts: Parts): Promise<Started> {
  const emulators = (parts.emulators = await startEmulatorsFor(ctx));
  // Expired items go before anything reads them, then every ttlSweepSeconds.
  parts.sweeper = await startTtlSweeper(emulators.functionEnvironment(), ctx.settings.ttlSweepSeconds, ctx.log);
  // The gateway first, so its URL (SQUARE_NOTIFICATION_URL) is known when the environment is built.
  // Handlers load lazily on the first request, and none is handled before the environment is in
  // place: from here to applyEnv there are only promise continuations, no I/O turn.
  const gateway = (parts.gateway = await startGatewayFor(ctx, emulators));
  await startSimulatorsAndEnv(ctx, parts, emulators, gateway);
  const { loadHandler, log } = ctx;
  const region = emulators.region;
  parts.schedules = startSchedules({ loadHandler, region, log, timers: ctx.options.scheduleTimers ?? true });
  parts.pollers = startPollers({
    sqsEndpoint: emulators.sqsEndpoint,
    region,
    queues: emulators.queues,
    loadHandler,
    log,
  });
  return parts as Started;
}

function printBanner(
  settings: LocalSettings,
  { emulators, gateway, simulators }: Started,
  env: Record<string, string>,
) {
  console.log(
    formatBanner({
      url: gateway.url,
      port: gateway.port,
      dynamodbDataDir: emulators.dynamodbDataDir,
      settings,
      routeUrls: localRouteUrls(gateway.url, env),
      sqsEndpoint: emulators.sqsEndpoint,
      queueUrls: emulators.queues,
      simulators: { shopify: simulators.shopify?.url, square: simulators.square?.url },
      consoleUrl: `${gateway.url}${CONSOLE_PATH}`,
      queueDataDir: emulators.queueDataDir,
      releasedMessages: emulators.releasedMessages,
    }),
  );
}

function describeSystem(settings: LocalSettings, parts: Started, env: Record<string, string>): LocalSystem {
  const { emulators, gateway, simulators, schedules } = parts;
  let stopping: Promise<void> | undefined;
  return {
    url: gateway.url,
    env,
    sqsEndpoint: emulators.sqsEndpoint,
    dynamodbEndpoint: emulators.dynamodbEndpoint,
    queueUrls: emulators.queues,
    jwtSecret: settings.jwtSecret,
    stripeWebhookSecrets: [...settings.stripeWebhookSecrets],
    squareSignatureKeys: [...settings.squareSignatureKeys],
    shopifyApiSecrets: [...settings.shopifyApiSecrets],
    squareNotificationUrl: localSquareNotificationUrl(gateway.url, env),
    internalApiToken: settings.internalApiToken,
    simulators: { shopify: simulators.shopify, square: simulators.square },
    runSchedule: (name) => schedules.run(name),
    consoleUrl: `${gateway.url}${CONSOLE_PATH}`,
    stop: () => (stopping ??= shutdown(parts)),
  };
}

export async function startLocalSystem(options: LocalSystemOptions = {}): Promise<LocalSystem> {
  if (running) throw new Error('A LocalSystem is already running in this process; stop it first (one per process).');
  running = true;
  const quiet = options.quiet ?? false;
  const log = createLocalLog(quiet);
  const overrides = options.env ?? {};
  const settings = readLocalSettings({ ...process.env, ...overrides });
  const parts: Parts = {};
  let started: Started;
  try {
    started = await startParts({ options, settings, log, overrides, loadHandler: createHandlerLoader() }, parts);
  } catch (error) {
    await shutdown(parts).catch((cleanupError: unknown) =>
      log.warn('Cleanup after a failed start failed', cleanupError),
    );
    throw error;
  }
  const env = Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  if (!quiet) printBanner(settings, started, env);
  return describeSystem(settings, started, env);
}
