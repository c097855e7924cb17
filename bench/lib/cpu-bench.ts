import type { QueueSender } from '../../shared/platform/aws/queue';
import { createObservability } from '../../shared/platform/observability';
import { SETTINGS } from './settings';
import { median, percentile, round } from './stats';

/**
 * The machinery of the in-process CPU benchmarks (ingest handlers): variants measured in
 * interleaved rounds, the order rotated each round, so drift on a noisy machine hits every variant
 * alike; the median over rounds of the mean time per event is the headline.
 */

export interface VariantResult {
  readonly name: string;
  /**
   * Median over rounds of the mean CPU time (user + system, this process) per event. CPU, not wall
   * time, because the like-for-like variants wait on a socket to a server in another process.
   */
  readonly medianMicros: number;
  /** The same in wall time (includes the wait for the queue's answer). */
  readonly wallMedianMicros: number;
  readonly p99Micros: number;
  readonly eventsPerSecond: number;
  readonly rounds: number;
  readonly eventsPerRound: number;
}

export interface SizeResult {
  readonly label: string;
  readonly bodyBytes: number;
  readonly variants: Record<string, VariantResult>;
}

export interface Variant {
  readonly name: string;
  /** Handles pool entry `index`; may be sync (the floor). */
  readonly call: (index: number) => unknown;
  /** Whether `call` returns a promise to await (the floor is synchronous). */
  readonly async: boolean;
}

/** Distinct pre-built events per variant, used round-robin. */
export const POOL = 16;

/** Real Powertools logger and metrics; metrics disabled (POWERTOOLS_METRICS_DISABLED) unless `emf`. */
export function observability(mode: 'info' | 'silent' | 'emf', service = 'stripe-webhook') {
  if (mode === 'emf') delete process.env.POWERTOOLS_METRICS_DISABLED;
  else process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const created = createObservability(service);
  if (mode === 'silent') created.logger.setLogLevel('SILENT');
  else created.logger.setLogLevel('INFO');
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  return created;
}

/** Accepts every message at once: only the handler's own work is timed. */
export const noopQueue: QueueSender = {
  send: async () => '7f3b1c52-5d0e-4a8e-9a57-2f1d3c7d9e10',
  sendBatch: async () => undefined,
};

export function assertOk(result: unknown, variant: string): void {
  const status = (result as { statusCode?: number } | undefined)?.statusCode;
  if (status !== 200) throw new Error(`${variant} answered ${status}: ${JSON.stringify(result)}`);
}

/** Warm-up, then interleaved rounds (order rotated each round); median of per-round means. */
export async function measureVariants(label: string, bodies: string[], variants: Variant[]): Promise<SizeResult> {
  const rounds = SETTINGS.quick ? 4 : 15;
  const perRound = SETTINGS.quick ? 150 : Math.max(...bodies.map((body) => body.length)) < 3_000 ? 1_000 : 500;
  const warmup = SETTINGS.quick ? 300 : 2_000;
  for (const variant of variants) await runBlock(variant, warmup, []);

  const roundMeans = new Map<string, number[]>(variants.map((variant) => [variant.name, []]));
  const roundWallMeans = new Map<string, number[]>(variants.map((variant) => [variant.name, []]));
  const samples = new Map<string, number[]>(variants.map((variant) => [variant.name, []]));
  for (let round = 0; round < rounds; round++) {
    // Rotate the order so no variant always runs first (or right after the most garbage-heavy one).
    for (let offset = 0; offset < variants.length; offset++) {
      const variant = variants[(round + offset) % variants.length] as Variant;
      const started = process.hrtime.bigint();
      const cpuBefore = process.cpuUsage();
      await runBlock(variant, perRound, samples.get(variant.name) as number[]);
      const cpu = process.cpuUsage(cpuBefore);
      const elapsedMicros = Number(process.hrtime.bigint() - started) / 1_000;
      (roundMeans.get(variant.name) as number[]).push((cpu.user + cpu.system) / perRound);
      (roundWallMeans.get(variant.name) as number[]).push(elapsedMicros / perRound);
    }
  }

  const results: Record<string, VariantResult> = {};
  for (const variant of variants) {
    const medianMicros = median(roundMeans.get(variant.name) as number[]);
    results[variant.name] = {
      name: variant.name,
      medianMicros: round(medianMicros),
      wallMedianMicros: round(median(roundWallMeans.get(variant.name) as number[])),
      p99Micros: round(percentile(samples.get(variant.name) as number[], 99)),
      eventsPerSecond: round(1_000_000 / medianMicros),
      rounds,
      eventsPerRound: perRound,
    };
  }
  return {
    label,
    bodyBytes: Math.round(bodies.reduce((sum, body) => sum + Buffer.byteLength(body), 0) / bodies.length),
    variants: results,
  };
}

async function runBlock(variant: Variant, count: number, samples: number[]): Promise<void> {
  for (let index = 0; index < count; index++) {
    const started = process.hrtime.bigint();
    const pending = variant.call(index % POOL);
    if (variant.async) await pending;
    samples.push(Number(process.hrtime.bigint() - started) / 1_000);
  }
}
