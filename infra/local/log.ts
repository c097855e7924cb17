/**
 * The local runtime's own console output (banner, request lines, poller errors). Function logs are
 * Powertools JSON logs and do not go through here.
 */
export interface LocalLog {
  info(message: string): void;
  warn(message: string, error?: unknown): void;
  error(message: string, error?: unknown): void;
}

export function createLocalLog(quiet = false): LocalLog {
  return {
    info: (message) => {
      if (!quiet) console.log(`[local] ${message}`);
    },
    warn: (message, error) => console.warn(`[local] ${message}`, ...(error === undefined ? [] : [error])),
    error: (message, error) => console.error(`[local] ${message}`, ...(error === undefined ? [] : [error])),
  };
}

export const silentLog: LocalLog = { info: () => {}, warn: () => {}, error: () => {} };
