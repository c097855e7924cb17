import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { EVENT_CATALOG } from '../../shared/events/event-catalog';
import { startLocalSystem, type LocalSystem } from '../../infra/local/system';
import { signLocalToken } from '../../infra/local/jwt';
import { buildConsole, formatSizes, MAX_JS_GZIP_BYTES } from '../../console/build';
import { PORTAL_ALLOWED_ORIGINS_ENV } from '../../infra/console-settings';
import { startReceiver, type Receiver } from '../support/receiver';
import { eventually, getJson, token } from '../support/local-system';
import {
  endpointsFirstRenderMs,
  launchChromium,
  screenshot,
  secretLeaks,
  seriousAxeViolations,
  signIn,
  startHostPage,
  type BrowserWindow,
  type HostPage,
} from './support';

/**
 * An organisation admin in real Chromium against the local runtime: adds an endpoint with two event
 * types, checks the secret shown once against a real delivery (standardwebhooks), sends a test, reads
 * the delivery log, rotates, resends and recovers a window; every page passes axe-core; the portal
 * custom element on another origin lists the same endpoints with the host's token.
 */

const ORG = 'org_console';

describe('Browser: the console as an admin', () => {
  let system: LocalSystem;
  let receiver: Receiver;
  let host: HostPage;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let secret = '';
  let endpointId = '';

  beforeAll(async () => {
    const built = await buildConsole();
    console.log(formatSizes(built));
    expect(built.totalJsGzipBytes).toBeLessThanOrEqual(MAX_JS_GZIP_BYTES);
    host = await startHostPage();
    receiver = await startReceiver();
    system = await startLocalSystem({
      port: 0,
      memory: true,
      quiet: true,
      env: { [PORTAL_ALLOWED_ORIGINS_ENV]: host.origin, DELIVERY_RETRY_SCHEDULE: '1s,1s' },
    });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
    await receiver?.close();
    await host?.close();
  });

  async function expectAccessible(name: string) {
    await screenshot(page, name);
    expect(await seriousAxeViolations(page), name).toEqual([]);
  }

  async function publish(type: keyof typeof EVENT_CATALOG, id: string) {
    const response = await fetch(`${system.url}/internal/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${system.internalApiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        id,
        type,
        orgId: ORG,
        occurredAt: new Date().toISOString(),
        data: EVENT_CATALOG[type].example,
      }),
    });
    expect(response.status).toBe(202);
    return ((await response.json()) as { messageId: string }).messageId;
  }

  it('signs in on the DEV page and renders the endpoints page within the browser-measured budget', async () => {
    await page.goto(system.consoleUrl);
    await expectAccessible('01-sign-in');
    await signIn(page, system.consoleUrl, ORG, 'admin');
    await page.reload();
    const firstRenderMs = await endpointsFirstRenderMs(page);
    console.log(`endpoints page first render: ${firstRenderMs} ms after navigation start (budget 1000 ms)`);
    await page.getByText('No endpoints yet.').waitFor();
    await expectAccessible('02-endpoints-empty');
  });

  it("shows the API's reason next to the URL when it refuses a private address", async () => {
    await page.getByRole('link', { name: 'Add endpoint' }).click();
    await page.getByLabel('URL').fill('https://10.1.2.3/hook');
    await page.getByRole('checkbox', { name: /^import\.completed/ }).check();
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const reason = page.locator('#endpoint-url-error');
    await reason.waitFor();
    expect(await reason.textContent()).toMatch(/private|not allowed|reserved/i);
    await expectAccessible('03-endpoint-form-refused');
  });

  it(
    'adds an endpoint with two event types by keyboard; the secret is shown once and verifies a ' + 'delivery',
    async () => {
      const url = page.getByLabel('URL');
      await url.fill('');
      await url.focus();
      await page.keyboard.type(`${receiver.baseUrl}/hooks/console`);
      await page.getByRole('checkbox', { name: /^order\.allocation_failed/ }).focus();
      await page.keyboard.press('Space');
      await page.getByRole('button', { name: 'Add endpoint' }).focus();
      await page.keyboard.press('Enter');
      const shown = page.getByTestId('secret');
      await shown.waitFor();
      secret = (await shown.textContent()) ?? '';
      expect(secret).toMatch(/^whsec_/);
      expect(await secretLeaks(page, secret)).toEqual([]);
      await expectAccessible('04-endpoint-secret-once');
      await page.getByRole('link', { name: 'Go to the endpoint' }).click();
      endpointId = decodeURIComponent(new URL(page.url()).hash.split('/')[2] ?? '');
      expect(endpointId).not.toBe('');

      await publish('import.completed', 'evt_console_1');
      const delivered = await eventually(async () => receiver.requestsTo('/hooks/console')[0]);
      const headers = Object.fromEntries(
        Object.entries(delivered.headers).map(([name, value]) => [name, String(value)]),
      );
      expect(() => new Webhook(secret).verify(delivered.body, headers)).not.toThrow();
      await page.reload();
      await page.getByText(secret).waitFor({ state: 'detached' });
      expect(await page.getByText(secret).count()).toBe(0);
    },
  );

  it('sends a test and finds it in the delivery log', async () => {
    await page.getByRole('button', { name: 'Send test' }).click();
    const result = page.getByTestId('test-result');
    await result.waitFor();
    expect(await result.textContent()).toContain('succeeded');
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByTestId('attempts').getByRole('button', { name: 'webhook.test' }).first().waitFor();
    await page.getByTestId('attempts').getByRole('button', { name: 'import.completed' }).first().waitFor();
    await expectAccessible('05-endpoint-detail');
  });

  it('rotates the secret with a chosen grace period, showing the new one once', async () => {
    await page.getByLabel('Keep the old secret signing for').selectOption('3600');
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByRole('region', { name: 'New signing secret' }).waitFor();
    const rotated =
      (await page.getByRole('region', { name: 'New signing secret' }).getByTestId('secret').textContent()) ?? '';
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    expect(await secretLeaks(page, rotated)).toEqual([]);
    secret = rotated;
  });

  it('resends a message from its payload view', async () => {
    const before = receiver.requestsTo('/hooks/console').length;
    await page.getByTestId('attempts').getByRole('button', { name: 'import.completed' }).first().click();
    const panel = page.getByRole('region', { name: /^Message / });
    await panel
      .getByRole('region', { name: 'Message payload' })
      .or(panel.getByLabel('Message payload'))
      .first()
      .waitFor();
    expect(await panel.getByLabel('Message payload').textContent()).toContain('"type": "import.completed"');
    await panel.getByRole('button', { name: 'Resend' }).click();
    await page.getByTestId('resend-result').waitFor();
    expect(await page.getByTestId('resend-result').textContent()).toContain('succeeded');
    expect(receiver.requestsTo('/hooks/console').length).toBe(before + 1);
    const resent = receiver.requestsTo('/hooks/console').at(-1)!;
    const headers = Object.fromEntries(Object.entries(resent.headers).map(([name, value]) => [name, String(value)]));
    expect(() => new Webhook(secret).verify(resent.body, headers)).not.toThrow();
    await expectAccessible('06-message-resend');
    await panel.getByRole('button', { name: 'Close' }).click();
  });

  it('recovers a window: deliveries skipped while disabled arrive, the progress bar reaches done', async () => {
    await page.getByRole('button', { name: 'Disable' }).click();
    await page.getByRole('button', { name: 'Enable' }).waitFor();
    const before = receiver.requestsTo('/hooks/console').length;
    const messageId = await publish('order.allocation_failed', 'evt_console_skipped');
    const adminToken = await token(system, ORG, 'admin');
    // Fan-out is asynchronous: wait until the delivery is stored as skipped before re-enabling.
    await eventually(async () => {
      const message = await getJson(system, `/v1/orgs/${ORG}/webhooks/messages/${messageId}`, adminToken);
      const deliveries = (message.body.deliveries ?? []) as { status: string }[];
      return deliveries[0]?.status === 'skipped' ? true : undefined;
    });
    await page.getByRole('button', { name: 'Enable' }).click();
    await page.getByRole('button', { name: 'Disable' }).waitFor();
    await page.getByRole('button', { name: 'Recover' }).click();
    const recovery = page.getByTestId('recovery');
    await recovery.waitFor();
    await page.locator('[data-testid="recovery"][data-status="done"]').waitFor({ timeout: 30_000 });
    expect(await recovery.textContent()).toMatch(/Done: 1 delivered, 0 failed, of 1/);
    expect(receiver.requestsTo('/hooks/console').length).toBeGreaterThan(before);
    await expectAccessible('07-recover-done');
  });

  it('passes axe on the delivery log, health, integrations, inbound events and audit pages', async () => {
    for (const [route, name, text] of [
      ['deliveries', '08-delivery-log', 'Delivery log of'],
      ['health', '09-health', 'Attempts per hour'],
      ['integrations', '10-integrations', 'Stripe billing'],
      ['inbound', '11-inbound-events', 'No inbound events match.'],
      ['audit', '12-audit-alerts', 'Audit log'],
    ] as const) {
      await page
        .getByRole('link', {
          name: {
            deliveries: 'Delivery log',
            health: 'Health',
            integrations: 'Integrations',
            inbound: 'Inbound events',
            audit: 'Audit & alerts',
          }[route],
          exact: true,
        })
        .click();
      await page.getByText(text).first().waitFor();
      await expectAccessible(name);
    }
  });

  it('is usable at 375 px wide: nothing wider than the screen', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.getByRole('link', { name: 'Webhooks', exact: true }).click();
    await page.getByTestId('endpoints').waitFor();
    const overflow = await page.evaluate(() => {
      const { document, innerWidth } = globalThis as unknown as BrowserWindow;
      return document.documentElement.scrollWidth - innerWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    await expectAccessible('13-endpoints-375px');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('embeds the portal on another origin: the same endpoints with the host page token', async () => {
    const hostToken = await token(system, ORG, 'admin');
    host.setHtml(`<!doctype html><html lang="en"><head><title>Acme admin</title>
      <style>body { font-family: Georgia, serif; --bd-accent: #7c2d12; }</style></head>
      <body><main><h1>Acme admin</h1>
      <betterdata-webhooks token="${hostToken}" owner="${ORG}" api-url="${system.url}"></betterdata-webhooks></main>
      <script src="${system.consoleUrl}portal.js"></script></body></html>`);
    const hostPage = await context.newPage();
    await hostPage.goto(host.origin);
    await hostPage.getByRole('link', { name: `${receiver.baseUrl}/hooks/console` }).waitFor();
    expect(await hostPage.getByTestId('endpoints').locator('tbody tr').count()).toBe(1);
    await screenshot(hostPage, '14-portal-embedded');
    expect(await seriousAxeViolations(hostPage)).toEqual([]);
    await hostPage.getByRole('link', { name: `${receiver.baseUrl}/hooks/console` }).click();
    await hostPage.getByTestId('attempts').waitFor();
    await screenshot(hostPage, '15-portal-endpoint');
    await hostPage.close();
  });

  it("embeds the portal for a merchant's federation webhook with the merchant's token", async () => {
    const merchantToken = await signLocalToken(system.jwtSecret, { merchantId: 'm_console', role: 'member' });
    const put = await fetch(`${system.url}/v1/merchants/m_console/webhook`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${await signLocalToken(system.jwtSecret, { merchantId: 'm_console', role: 'admin' })}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        webhookUrl: `${receiver.baseUrl}/hooks/merchant`,
        eventTypes: ['federation.order.created'],
      }),
    });
    expect(put.status).toBe(201);
    host.setHtml(`<!doctype html><html lang="en"><head><title>Merchant page</title></head><body><main>
      <h1>Webhooks</h1>
      <betterdata-webhooks token="${merchantToken}" owner="merchant:m_console"
        api-url="${system.url}"></betterdata-webhooks>
      </main><script src="${system.consoleUrl}portal.js"></script></body></html>`);
    const hostPage = await context.newPage();
    await hostPage.goto(host.origin);
    await hostPage.getByRole('link', { name: `${receiver.baseUrl}/hooks/merchant` }).click();
    await hostPage.getByTestId('attempts').or(hostPage.getByText('No attempts match.')).first().waitFor();
    // A member token: the portal shows no write control.
    expect(await hostPage.getByRole('button', { name: /Rotate secret|Recover|Disable|Edit/ }).count()).toBe(0);
    expect(await seriousAxeViolations(hostPage)).toEqual([]);
    await screenshot(hostPage, '16-portal-merchant');
    await hostPage.close();
  });
});
