import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConsole, MAX_JS_GZIP_BYTES } from '../console/build';
import { signLocalToken } from '../infra/local/jwt';
import { startLocalSystem } from '../infra/local/system';
import { endpointsFirstRenderMs, launchChromium, signIn } from '../test/browser/support';
import { SETTINGS } from './lib/settings';
import { median } from './lib/stats';
import { runWorker } from './lib/worker';

/**
 * The console's weight and speed: its JavaScript gzipped (budget 80 KB), and the first render of the
 * endpoints page with 20 endpoints on the local runtime, as the browser itself times it (navigation
 * start → the page's `endpoints-rendered` mark), median of several fresh loads in Debian's Chromium.
 */

export interface ConsoleResult {
  readonly jsGzipBytes: Readonly<Record<string, number>>;
  readonly totalJsGzipBytes: number;
  readonly budgetBytes: number;
  readonly endpoints: number;
  readonly firstRenderMs: { readonly median: number; readonly max: number; readonly loads: number };
}

const ORG = 'org_bench_console';
const ENDPOINTS = 20;

async function main(): Promise<ConsoleResult> {
  const dist = mkdtempSync(join(tmpdir(), 'bench-console-'));
  const built = await buildConsole(dist);
  const system = await startLocalSystem({ port: 0, memory: true, quiet: true });
  const browser = await launchChromium();
  try {
    const token = await signLocalToken(system.jwtSecret, { orgId: ORG, role: 'admin' });
    for (let i = 0; i < ENDPOINTS; i += 1) {
      const response = await fetch(`${system.url}/v1/orgs/${ORG}/webhooks/endpoints`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ url: `https://127.0.0.1:9/bench/${i}`, eventTypes: ['import.completed'] }),
      });
      if (response.status !== 201) throw new Error(`Seeding endpoint ${i} answered ${response.status}`);
    }
    const page = await browser.newPage();
    await signIn(page, system.consoleUrl, ORG, 'admin');
    const loads = SETTINGS.quick ? 3 : 10;
    const samples: number[] = [];
    for (let i = 0; i < loads; i += 1) {
      await page.reload();
      samples.push(await endpointsFirstRenderMs(page));
    }
    return {
      jsGzipBytes: built.jsGzipBytes,
      totalJsGzipBytes: built.totalJsGzipBytes,
      budgetBytes: MAX_JS_GZIP_BYTES,
      endpoints: ENDPOINTS,
      firstRenderMs: { median: median(samples), max: Math.max(...samples), loads },
    };
  } finally {
    await browser.close();
    await system.stop();
    rmSync(dist, { recursive: true, force: true });
  }
}

runWorker(main);
