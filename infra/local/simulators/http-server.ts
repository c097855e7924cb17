import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The bit of HTTP both provider simulators share: a loopback server on an ephemeral port (unless
 * told otherwise), bodies read whole, and answers as JSON, HTML or redirects.
 */

export interface SimRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export interface SimResponse {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export const jsonAnswer = (status: number, body: unknown, headers: Record<string, string> = {}): SimResponse => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

export const htmlAnswer = (body: string): SimResponse => ({
  status: 200,
  headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
  body,
});

export const redirectTo = (location: string): SimResponse => ({ status: 302, headers: { location }, body: '' });

export const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

/** A provider's consent page, as the simulators show it: a heading, what is asked, and one form. */
export interface ConsentForm {
  readonly title: string;
  readonly heading: string;
  readonly description: string;
  /** Where the form posts (the simulator's approve route). */
  readonly action: string;
  /** The authorize request's parameters, carried through to the approve route. */
  readonly hidden: readonly { readonly name: string; readonly value: string }[];
  /** Fields the person fills in (Square: the merchant to sign in as). */
  readonly inputs?: readonly { readonly label: string; readonly name: string; readonly value: string }[];
  readonly buttons: readonly { readonly label: string; readonly name?: string; readonly value?: string }[];
}

export function consentForm(page: ConsentForm): SimResponse {
  const hidden = page.hidden
    .map(({ name, value }) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  const inputs = (page.inputs ?? [])
    .map(
      ({ label, name, value }) =>
        `<label>${escapeHtml(label)} <input name="${name}" value="${escapeHtml(value)}"></label>`,
    )
    .join('\n');
  const buttons = page.buttons
    .map(({ label, name, value }) => {
      const choice = name && value ? ` name="${name}" value="${value}"` : '';
      return `<button type="submit"${choice}>${escapeHtml(label)}</button>`;
    })
    .join('\n');
  return htmlAnswer(
    `<!doctype html><html lang="en"><head><title>${escapeHtml(page.title)}</title></head>
<body><main><h1>${escapeHtml(page.heading)}</h1>
<p>${escapeHtml(page.description)}</p>
<form method="post" action="${escapeHtml(page.action)}">${hidden}
${inputs}
${buttons}</form>
</main></body></html>`,
  );
}

export function parseJson(body: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export interface SimServer {
  readonly url: string;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startSimServer(
  handle: (request: SimRequest) => Promise<SimResponse> | SimResponse,
  port = 0,
): Promise<SimServer> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      try {
        const body = await readBody(req);
        const answer = await handle({
          method: req.method ?? 'GET',
          url: new URL(req.url ?? '/', 'http://127.0.0.1'),
          headers: req.headers,
          body,
        });
        res.writeHead(answer.status, answer.headers ?? {});
        res.end(answer.body ?? '');
      } catch (error) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`simulator error: ${(error as Error).message}`);
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A form's fields (`application/x-www-form-urlencoded`). */
export function formFields(body: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body));
}
