import { SCHEDULES, type FunctionName } from '../../shared/platform/topology';
import type { HandlerLoader } from './handlers';
import { topologyFunctions } from './handlers';
import { createLambdaContext, invokeHandler, LOCAL_ACCOUNT_ID } from './lambda-context';
import type { LocalLog } from './log';

/**
 * EventBridge schedules on a laptop: a timer per topology SCHEDULES entry invoking the same handler
 * with a `Scheduled Event`, and `run(name)` for tests (and impatient people) to fire one now.
 */

export interface Schedules {
  run(name: FunctionName): Promise<unknown>;
  stop(): void;
}

export function startSchedules(options: {
  readonly loadHandler: HandlerLoader;
  readonly region: string;
  readonly log: LocalLog;
  /** Timers off (tests fire schedules themselves with `run`). */
  readonly timers: boolean;
}): Schedules {
  const functions = topologyFunctions();
  async function run(name: FunctionName): Promise<unknown> {
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
    const handler = await options.loadHandler(name);
    return invokeHandler(handler, event, createLambdaContext(fn, options.region), fn.timeoutSeconds);
  }
  const timers = options.timers
    ? SCHEDULES.map((schedule) =>
        setInterval(() => {
          run(schedule.function).catch((error: unknown) =>
            options.log.warn(`Scheduled ${schedule.function} failed`, error),
          );
        }, schedule.everyMinutes * 60_000).unref(),
      )
    : [];
  return {
    run,
    stop: () => timers.forEach((timer) => clearInterval(timer)),
  };
}
