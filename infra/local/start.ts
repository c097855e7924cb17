import { parseArgs } from 'node:util';
import { loadDotEnv } from './dotenv';
import { parsePort } from './settings';
import { startLocalSystem } from './system';

/**
 * `npm start [-- --memory] [--port 3000] [--data-dir .data] [--quiet]`: the whole system on this
 * machine. Settings come from the environment and an optional `.env` (see the banner).
 */

const USAGE = 'Usage: npm start -- [--memory] [--port <n>] [--data-dir <dir>] [--quiet]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      memory: { type: 'boolean', default: false },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const envFile = loadDotEnv();
  // The SDK warns once per process that Node 20 support ends in 2027 (Lambda runs Node 24).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  if (envFile && !values.quiet) console.log(`[local] loaded ${envFile}`);

  const system = await startLocalSystem({
    memory: values.memory,
    quiet: values.quiet,
    ...(values.port !== undefined ? { port: parsePort(values.port) } : {}),
    ...(values['data-dir'] !== undefined ? { dataDir: values['data-dir'] } : {}),
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      console.error('[local] forced exit');
      process.exit(1);
    }
    stopping = true;
    console.log(`\n[local] ${signal}: stopping (Ctrl-C again to force)…`);
    system.stop().then(
      () => {
        console.log('[local] stopped');
        process.exit(0);
      },
      (error: unknown) => {
        console.error('[local] error while stopping', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error('[local] could not start:', error instanceof Error ? error.message : error);
  if (error instanceof Error && error.stack && process.env.DEBUG) console.error(error.stack);
  process.exit(1);
});
