/**
 * Run-size knobs, all from the environment so `npm run bench` stays one command:
 * BENCH_QUICK=1 (a smoke run of a few seconds per benchmark), BENCH_DURATION_S (the ingest load
 * test, 20 s), BENCH_CONCURRENCY (its connections, 32), BENCH_COLD_RUNS (fresh processes per
 * bundle, 20).
 */
const quick = process.env.BENCH_QUICK === '1' || process.env.BENCH_QUICK === 'true';

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

export const SETTINGS = {
  quick,
  loadDurationSeconds: positive('BENCH_DURATION_S', quick ? 3 : 20),
  loadConcurrency: Math.floor(positive('BENCH_CONCURRENCY', 32)),
  coldRuns: Math.floor(positive('BENCH_COLD_RUNS', quick ? 5 : 20)),
} as const;
