import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT } from '../../infra/local/paths';

/**
 * Helpers for the browser tests: Debian's Chromium through playwright-core, sign-in through the DEV
 * page, axe-core injected into the page, screenshots under the test output directory, and a plain
 * host page on another loopback origin for the embeddable portal.
 */

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots of every page land here (gitignored); the best are copied to docs/img by hand. */
export const SCREENSHOT_DIR = process.env.BROWSER_OUTPUT_DIR ?? join(REPO_ROOT, 'test-output', 'browser');
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface StorageLike {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
}

/** The browser globals these helpers read inside page.evaluate (the test project compiles without the DOM lib). */
export interface BrowserWindow {
  readonly axe?: { run(): Promise<{ violations: AxeViolation[] }> };
  readonly sessionStorage: StorageLike;
  readonly localStorage: StorageLike;
  readonly location: { readonly href: string };
  readonly document: { readonly cookie: string; readonly documentElement: { readonly scrollWidth: number } };
  readonly innerWidth: number;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export async function signIn(page: Page, consoleUrl: string, owner: string, role: 'admin' | 'member'): Promise<void> {
  await page.goto(consoleUrl);
  await page.getByLabel('Organisation (or merchant:<id>)').fill(owner);
  await page.getByLabel('Role').selectOption(role);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly { target: unknown }[];
}

/**
 * axe-core's serious and critical violations on the page as it is now. axe is evaluated through the
 * DevTools protocol: the console's CSP (rightly) refuses an injected inline <script>.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const { axe } = globalThis as unknown as BrowserWindow;
    return axe ? (await axe.run()).violations : [];
  });
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(({ id, impact, help, nodes }) => ({ id, impact, help, nodes: nodes.map(({ target }) => ({ target })) }));
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Whether any storage or the address holds `secret` (it must never be stored or put in a URL). */
export async function secretLeaks(page: Page, secret: string): Promise<string[]> {
  return page.evaluate((value) => {
    const { sessionStorage, localStorage, location, document } = globalThis as unknown as BrowserWindow;
    const places: string[] = [];
    const dump = (storage: StorageLike) =>
      Array.from({ length: storage.length }, (_, i) => `${storage.key(i)}=${storage.getItem(storage.key(i) ?? '')}`);
    if (dump(sessionStorage).some((entry) => entry.includes(value))) places.push('sessionStorage');
    if (dump(localStorage).some((entry) => entry.includes(value))) places.push('localStorage');
    if (location.href.includes(value)) places.push('url');
    if (document.cookie.includes(value)) places.push('cookie');
    return places;
  }, secret);
}

export interface HostPage {
  readonly origin: string;
  setHtml(html: string): void;
  close(): Promise<void>;
}

/** A plain web page on its own loopback origin, standing in for another app that embeds the portal. */
export async function startHostPage(): Promise<HostPage> {
  let html = '<!doctype html><title>host</title>';
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    setHtml: (next) => void (html = next),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Milliseconds from navigation start to the endpoints page's first render (the page's own mark). */
export async function endpointsFirstRenderMs(page: Page): Promise<number> {
  await page.waitForFunction(() => performance.getEntriesByName('endpoints-rendered').length > 0);
  return page.evaluate(() => Math.round(performance.getEntriesByName('endpoints-rendered')[0]!.startTime));
}
