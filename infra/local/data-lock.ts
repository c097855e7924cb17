import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * LevelDB allows one user per directory; a second dynalite on the same directory fails later with
 * an uncaught "Database is not open". A pid file (other processes) and a set of held directories
 * (this process) turn that into a clear error up front.
 */

const heldHere = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireDataDirLock(dir: string): () => void {
  const file = join(dir, 'local-runtime.pid');
  let holder: number | undefined;
  try {
    holder = Number(readFileSync(file, 'utf8').trim());
  } catch {
    holder = undefined;
  }
  const heldElsewhere = holder !== undefined && holder !== process.pid && alive(holder);
  if (heldHere.has(dir) || heldElsewhere) {
    throw new Error(
      `Another local runtime (pid ${heldElsewhere ? holder : process.pid}) is using ${dir}. ` +
        'Stop it, or run with --memory or a different DATA_DIR.',
    );
  }
  writeFileSync(file, String(process.pid));
  heldHere.add(dir);
  return () => {
    heldHere.delete(dir);
    rmSync(file, { force: true });
  };
}
