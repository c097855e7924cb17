import { fileURLToPath } from 'node:url';

/** The repository root (this file lives in infra/local/), so nothing depends on the working directory. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
