import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FUNCTIONS, type FunctionName } from '../../shared/platform/topology';
import type { LambdaHandler, LocalFunction } from './lambda-context';
import { REPO_ROOT } from './paths';

/**
 * Loads the very handler modules Lambda runs: `functions/<dir>/handler.ts`, export `handler`.
 * Imports are lazy (first use) because handlers read their configuration at module load, so the
 * environment must be in place first. ES modules are cached per process: a handler is loaded once
 * and keeps the configuration it saw then.
 */
export type HandlerLoader = (name: FunctionName) => Promise<LambdaHandler>;

export function handlerPath(name: FunctionName, root = REPO_ROOT): string {
  return resolve(root, 'functions', FUNCTIONS[name].dir, 'handler.ts');
}

export function createHandlerLoader(root = REPO_ROOT): HandlerLoader {
  const loaded = new Map<FunctionName, Promise<LambdaHandler>>();
  return (name) => {
    let handler = loaded.get(name);
    if (!handler) {
      const file = handlerPath(name, root);
      handler = import(pathToFileURL(file).href).then((module: { handler?: unknown }) => {
        if (typeof module.handler !== 'function') throw new Error(`${file} does not export a function named "handler"`);
        return module.handler as LambdaHandler;
      });
      // A failed import is not cached here, so the next request reports the current error again.
      handler.catch(() => loaded.delete(name));
      loaded.set(name, handler);
    }
    return handler;
  };
}

/** Name (the CDK construct id), timeout and memory of every function, from topology.ts. */
export function topologyFunctions(): Record<FunctionName, LocalFunction> {
  const entries = Object.entries(FUNCTIONS).map(([name, spec]) => [
    name,
    { name: spec.id, timeoutSeconds: spec.timeoutSeconds, memoryMiB: spec.memoryMiB },
  ]);
  return Object.fromEntries(entries) as Record<FunctionName, LocalFunction>;
}
