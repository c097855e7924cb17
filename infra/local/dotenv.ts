import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO_ROOT } from './paths';

/**
 * Loads `.env` from the repository root when there is one (CLI entry points only; tests do not read
 * it). `process.loadEnvFile` never overwrites a variable that is already set, so the shell wins.
 */
export function loadDotEnv(file = resolve(REPO_ROOT, '.env')): string | undefined {
  if (!existsSync(file)) return undefined;
  process.loadEnvFile(file);
  return file;
}
