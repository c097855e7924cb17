import { FUNCTIONS, type FunctionName, type FunctionSpec } from '../../shared/platform/topology';
import type { HandlerLoader } from './handlers';
import { createLambdaContext, invokeHandler, LOCAL_ACCOUNT_ID } from './lambda-context';
import type { LocalLog } from './log';
import { topologyFunctions } from './handlers';

/**
 * EventBridge schedules, locally: a timer per scheduled function in topology.ts (the sweeper) that
 * invokes its handler with a scheduled event, one run at a time. `run` invokes one now (tests, and a
 * developer who does not want to wait).
 */
export interface Schedules {
  run(name: FunctionName): Promise<unknown>;
  stop(): Promise<void>;
}

export function scheduledFunctions(): FunctionName[] {
  return (Object.entries(FUNCTIONS) as [FunctionName, FunctionSpec][])
    .filter(([, spec]) => spec.schedule !== undefined)
    .map(([name]) => name);
}

export function startSchedules(options: {
  readonly loadHandler: HandlerLoader;
  readonly region: string;
  readonly log: LocalLog;
  /** Overrides every schedule's period (ms); 0 switches the timers off (runs only through `run`). */
  readonly everyMs?: number;
}): Schedules {
  const functions = topologyFunctions();
  const running = new Map<FunctionName, Promise<unknown>>();

  function run(name: FunctionName): Promise<unknown> {
    const current = running.get(name);
    if (current) return current;
    const fn = functions[name];
    const event = {
      version: '0',
      id: `local-${Date.now()}`,
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: LOCAL_ACCOUNT_ID,
      time: new Date().toISOString(),
      region: options.region,
      resources: [],
      detail: {},
    };
    const invocation = options
      .loadHandler(name)
      .then((handler) => invokeHandler(handler, event, createLambdaContext(fn, options.region), fn.timeoutSeconds))
      .finally(() => running.delete(name));
    running.set(name, invocation);
    return invocation;
  }

  const timers = scheduledFunctions().flatMap((name) => {
    const everyMs = options.everyMs ?? (FUNCTIONS[name] as FunctionSpec).schedule!.everyMinutes * 60_000;
    if (everyMs === 0) return [];
    const timer = setInterval(() => {
      run(name).catch((error: unknown) => options.log.warn(`Scheduled ${name} failed`, error));
    }, everyMs);
    timer.unref();
    return [timer];
  });

  return {
    run,
    async stop() {
      for (const timer of timers) clearInterval(timer);
      await Promise.allSettled(running.values());
    },
  };
}
