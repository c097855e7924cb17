import { copyFileSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/**
 * Builds the console (console.js, an ES module for index.html) and the embeddable portal (portal.js,
 * one classic script defining <betterdata-webhooks>) with esbuild, plus the stylesheet and the page.
 * `npm run build:console` runs it; `npm start` and the browser tests call buildConsole().
 */

export const CONSOLE_DIR = dirname(fileURLToPath(import.meta.url));
export const CONSOLE_DIST = join(CONSOLE_DIR, 'dist');
/** The budget for all of the console's JavaScript, gzipped. */
export const MAX_JS_GZIP_BYTES = 80 * 1024;

export interface BuiltConsole {
  readonly outDir: string;
  /** Gzipped size of each JavaScript file, in bytes. */
  readonly jsGzipBytes: Readonly<Record<string, number>>;
  readonly totalJsGzipBytes: number;
}

const shared = {
  bundle: true,
  minify: true,
  target: 'es2022',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  loader: { '.css': 'text' },
  legalComments: 'none',
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
} as const;

export async function buildConsole(outDir: string = CONSOLE_DIST): Promise<BuiltConsole> {
  mkdirSync(outDir, { recursive: true });
  await Promise.all([
    build({
      ...shared,
      entryPoints: [join(CONSOLE_DIR, 'src/main.tsx')],
      outfile: join(outDir, 'console.js'),
      format: 'esm',
    }),
    build({
      ...shared,
      entryPoints: [join(CONSOLE_DIR, 'src/portal.tsx')],
      outfile: join(outDir, 'portal.js'),
      format: 'iife',
    }),
  ]);
  copyFileSync(join(CONSOLE_DIR, 'src/styles.css'), join(outDir, 'console.css'));
  copyFileSync(join(CONSOLE_DIR, 'static/index.html'), join(outDir, 'index.html'));
  const jsGzipBytes = Object.fromEntries(
    readdirSync(outDir)
      .filter((name) => name.endsWith('.js'))
      .map((name) => [name, gzipSync(readFileSync(join(outDir, name)), { level: 9 }).length]),
  );
  const totalJsGzipBytes = Object.values(jsGzipBytes).reduce((sum, bytes) => sum + bytes, 0);
  return { outDir, jsGzipBytes, totalJsGzipBytes };
}

/** True when dist is missing or older than any source file (so `npm start` rebuilds only when needed). */
export function consoleBuildIsStale(outDir: string = CONSOLE_DIST): boolean {
  const built = join(outDir, 'console.js');
  let builtAt: number;
  try {
    builtAt = statSync(built).mtimeMs;
  } catch {
    return true;
  }
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((latest, entry) => {
      const path = join(dir, entry.name);
      return Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
    }, 0);
  return Math.max(newest(join(CONSOLE_DIR, 'src')), newest(join(CONSOLE_DIR, 'static'))) > builtAt;
}

export function formatSizes(built: BuiltConsole): string {
  const files = Object.entries(built.jsGzipBytes).map(([name, bytes]) => `${name} ${(bytes / 1024).toFixed(1)} KB`);
  return (
    `console JavaScript gzipped: ${files.join(', ')}; total ` +
    `${(built.totalJsGzipBytes / 1024).toFixed(1)} KB of ${MAX_JS_GZIP_BYTES / 1024} KB`
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const built = await buildConsole(process.argv[2] ? resolve(process.argv[2]) : CONSOLE_DIST);
  console.log(`Built ${built.outDir}\n${formatSizes(built)}`);
  if (built.totalJsGzipBytes > MAX_JS_GZIP_BYTES) {
    console.error('Over budget');
    process.exit(1);
  }
}
