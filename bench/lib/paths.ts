import { fileURLToPath } from 'node:url';

/**
 * The repository root. Workers run bundled from a temporary directory, so the orchestrator passes
 * the root in BENCH_ROOT; under tsx it is found from this file's location.
 */
export const REPO_ROOT = process.env.BENCH_ROOT ?? fileURLToPath(new URL('../../', import.meta.url));
