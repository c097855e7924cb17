import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import * as z from 'zod';
import { buildConsole, consoleBuildIsStale, CONSOLE_DIST, formatSizes } from '../../console/build';
import { consoleSecurityHeaders } from '../console-settings';
import type { GatewayResponse } from './http-result';
import { isLocalRole, signLocalToken } from './jwt';
import type { LocalLog } from './log';

/**
 * The console on the local gateway: the built assets under /console/ with the same security headers
 * CloudFront adds, `config.json` telling the page to use the DEV sign-in, and — only here, never in
 * AWS — `POST /console/dev-token`, which mints a token for the organisation (or `merchant:<id>`) and
 * role the DEV sign-in page picks, signed with the local JWT secret.
 */

export const CONSOLE_PATH = '/console/';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
};

const devTokenSchema = z.strictObject({
  owner: z.string().trim().min(1).max(200),
  role: z.string().refine(isLocalRole, 'role must be admin or member'),
});

export interface ConsoleRequest {
  readonly method: string;
  readonly path: string;
  readonly body: Buffer;
}

export type ConsoleServer = (request: ConsoleRequest) => Promise<GatewayResponse>;

/** Builds the console when its sources changed since the last build (or it was never built). */
export async function prepareConsole(log: LocalLog, outDir: string = CONSOLE_DIST): Promise<string> {
  if (consoleBuildIsStale(outDir)) log.info(formatSizes(await buildConsole(outDir)));
  return outDir;
}

const respond = (statusCode: number, headers: Record<string, string>, body: string | Buffer): GatewayResponse => ({
  statusCode,
  headers: { 'cache-control': 'no-store', ...headers },
  cookies: [],
  body: Buffer.isBuffer(body) ? body : Buffer.from(body),
});

const problemJson = (status: number, detail: string) =>
  respond(status, { 'content-type': 'application/problem+json' }, JSON.stringify({ status, detail }));

async function devToken(jwtSecret: string, body: Buffer): Promise<GatewayResponse> {
  let input: z.infer<typeof devTokenSchema>;
  try {
    input = devTokenSchema.parse(JSON.parse(body.toString('utf8') || '{}'));
  } catch {
    return problemJson(400, 'Send {"owner": "org_123" or "merchant:<id>", "role": "admin" | "member"}');
  }
  const role = input.role as 'admin' | 'member';
  const merchant = /^merchant:(.+)$/.exec(input.owner)?.[1];
  const token = await signLocalToken(
    jwtSecret,
    merchant ? { merchantId: merchant, role } : { orgId: input.owner, role },
  );
  return respond(200, { 'content-type': 'application/json' }, JSON.stringify({ token }));
}

export function createConsoleServer(options: { distDir: string; jwtSecret: string }): ConsoleServer {
  const headers = consoleSecurityHeaders([]);
  const config = JSON.stringify({ mode: 'dev', apiUrl: '' });
  return async ({ method, path, body }) => {
    if (path === '/console') return respond(308, { location: CONSOLE_PATH }, '');
    const file = path.slice(CONSOLE_PATH.length) || 'index.html';
    if (file === 'dev-token') {
      return method === 'POST' ? devToken(options.jwtSecret, body) : problemJson(405, 'POST only');
    }
    if (method !== 'GET' && method !== 'HEAD') return problemJson(405, 'The console is read with GET');
    if (file === 'config.json') return respond(200, { ...headers, 'content-type': CONTENT_TYPES['.json']! }, config);
    const resolved = normalize(join(options.distDir, file));
    if (!resolved.startsWith(options.distDir + sep) || !CONTENT_TYPES[extname(resolved)]) {
      return problemJson(404, 'No such console file');
    }
    try {
      const content = await readFile(resolved);
      return respond(200, { ...headers, 'content-type': CONTENT_TYPES[extname(resolved)]! }, content);
    } catch {
      return problemJson(404, 'No such console file');
    }
  };
}
