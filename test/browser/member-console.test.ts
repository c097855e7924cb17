import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ENV } from '../../shared/platform/topology';
import { startLocalSystem, type LocalSystem } from '../../infra/local/system';
import { buildConsole } from '../../console/build';
import { token } from '../support/local-system';
import { launchChromium, screenshot, seriousAxeViolations, signIn } from './support';

/**
 * A member in real Chromium, on a local system in production mode (plain-http endpoint URLs refused):
 * sees every page and changes nothing (no write control; a forced write shows the API's 403 in words).
 * An admin then sees the API's reason for refusing an http URL on the form, connects a Shopify shop
 * through the DEV Shopify simulator's consent page (issue 10's OAuth flow), and sees a callback's refusal.
 */

const ORG = 'org_member_view';
const WRITE_CONTROLS = new RegExp(
  '^(Add endpoint|Edit|Disable|Enable|Send test|Rotate secret|Recover|Resend|Connect .*|Disconnect|' +
    'Create source|Save)$',
);

describe('Browser: the console as a member, and production-mode refusals', () => {
  let system: LocalSystem;
  let browser: Browser;
  let page: Page;
  let endpointUrl = '';

  beforeAll(async () => {
    await buildConsole();
    system = await startLocalSystem({ port: 0, memory: true, quiet: true, env: { [ENV.allowHttpEndpoints]: 'false' } });
    // Seeded through the API: https on loopback is allowed, and no event is published, so nothing is sent.
    endpointUrl = 'https://127.0.0.1:9/member-view';
    const response = await fetch(`${system.url}/v1/orgs/${ORG}/webhooks/endpoints`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token(system, ORG, 'admin')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: endpointUrl, eventTypes: ['import.completed'], description: 'Seeded' }),
    });
    expect(response.status).toBe(201);
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  async function writeControls(): Promise<string[]> {
    const names = await page.locator('main button, main a.button').allTextContents();
    return names.map((name) => name.trim()).filter((name) => WRITE_CONTROLS.test(name));
  }

  it('shows a member every page without a single write control, and passes axe on each', async () => {
    await signIn(page, system.consoleUrl, ORG, 'member');
    await page.getByRole('link', { name: endpointUrl }).waitFor();
    expect(await writeControls()).toEqual([]);
    await page.getByRole('link', { name: endpointUrl }).click();
    await page.getByRole('heading', { name: 'Delivery log' }).waitFor();
    await page.getByText('No attempts match.').waitFor();
    expect(await writeControls()).toEqual([]);
    await screenshot(page, 'member-01-endpoint');
    expect(await seriousAxeViolations(page)).toEqual([]);
    for (const [link, text] of [
      ['Integrations', 'Shopify'],
      ['Delivery log', 'Delivery log of'],
      ['Health', 'Attempts per hour'],
      ['Audit & alerts', 'Alerts are shown to admins.'],
    ] as const) {
      await page.getByRole('link', { name: link, exact: true }).click();
      await page.getByText(text).first().waitFor();
      expect(await writeControls(), link).toEqual([]);
      expect(await seriousAxeViolations(page), link).toEqual([]);
    }
    await screenshot(page, 'member-02-integrations');
  });

  it("shows the API's 403 in words when a member forces a write", async () => {
    await page.goto(`${system.consoleUrl}#/webhooks/new`);
    await page.getByLabel('URL').fill('https://127.0.0.1:9/forced');
    await page.getByRole('checkbox', { name: /^import\.completed/ }).check();
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.getByRole('alert').filter({ hasText: 'This needs the admin role' }).waitFor();
    await screenshot(page, 'member-03-forced-403');
  });

  it("shows an admin the API's reason for refusing a plain-http URL in production mode", async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, system.consoleUrl, ORG, 'admin');
    await page.getByRole('link', { name: 'Add endpoint' }).click();
    await page.getByLabel('URL').fill('http://example.com/hook');
    await page.getByRole('checkbox', { name: /^import\.completed/ }).check();
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const reason = page.locator('#endpoint-url-error');
    await reason.waitFor();
    expect(await reason.textContent()).toMatch(/https/i);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'admin-http-refused');
  });

  it("connects a Shopify shop through the DEV simulator's consent page and lands back on Integrations", async () => {
    await page.getByRole('link', { name: 'Integrations', exact: true }).click();
    await page.getByText('Not connected.').first().waitFor();
    await page.getByLabel('Shop domain').fill('console-member-view.myshopify.com');
    await page.getByRole('button', { name: 'Connect Shopify' }).click();
    // The DEV Shopify simulator's consent page, then its redirect to our callback, then the console.
    await page
      .getByRole('heading', { name: /Install the Better Data app on console-member-view\.myshopify\.com/ })
      .waitFor();
    expect(new URL(page.url()).origin).toBe(new URL(system.simulators.shopify!.url).origin);
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('status').filter({ hasText: 'Connected shopify.' }).waitFor();
    expect(new URL(page.url()).search).toBe('');
    expect(new URL(page.url()).hash).toBe('#/integrations');
    const shopify = page.getByRole('region', { name: 'Shopify' });
    await shopify.getByText('console-member-view.myshopify.com').waitFor();
    await shopify.getByRole('button', { name: 'Disconnect' }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'admin-shopify-connected');
    // The API holds the connection the page shows.
    const connections = await fetch(`${system.url}/v1/orgs/${ORG}/connections`, {
      headers: { authorization: `Bearer ${await token(system, ORG, 'member')}` },
    });
    expect(((await connections.json()) as { shopify: { shopDomain: string } }).shopify.shopDomain).toBe(
      'console-member-view.myshopify.com',
    );
  });

  it("shows a callback's refusal in words and clears it from the address", async () => {
    await page.goto(`${system.consoleUrl}?error=access_denied`);
    await page.getByRole('alert').filter({ hasText: 'access denied' }).waitFor();
    expect(new URL(page.url()).search).toBe('');
    expect(new URL(page.url()).hash).toBe('#/integrations');
  });
});
