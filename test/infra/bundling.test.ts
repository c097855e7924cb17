import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUNDLED_BESIDE,
  bundleBesideCommands,
  cdkBundlingOptions,
  esbuildOptionsLikeCdk,
  LAMBDA_BUNDLING,
} from '../../infra/bundling';
import { FUNCTIONS } from '../../shared/platform/topology';

// Every function is bundled here with the options the stack gives CDK (infra/bundling.ts), so a
// bundle that would not load in Lambda (a package neither bundled nor provided) or that outgrows its
// budget fails a test rather than a deployment.
const ROOT = new URL('../..', import.meta.url).pathname;
const INGEST = new Set(['stripe-webhook', 'square-webhook', 'shopify-webhook', 'sources-webhook']);
/** Issue 15: every function but the four ingest receivers (whose budget is 150 KB) ≤ 400 KB minified. */
const OTHER_BUNDLE_LIMIT_BYTES = 400 * 1024;
const INGEST_BUNDLE_LIMIT_BYTES = 150 * 1000;
const RUNTIME_SDK_PACKAGE = /^@aws-sdk\/(client-[a-z0-9-]+|lib-dynamodb|util-dynamodb)(\/|$)/;
const DEPENDENCIES = Object.keys(
  (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> })
    .dependencies,
);

interface Built {
  readonly bytes: number;
  readonly inputs: string[];
  /** Bare specifiers the bundle still imports at run time. */
  readonly externalImports: string[];
}

const dirs = Object.values(FUNCTIONS)
  .map((spec) => spec.dir)
  .sort();
const built = new Map<string, Built>();
let outdir: string;

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0] ?? '');
}

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'bundling-test-'));
  for (const dir of dirs) {
    const outfile = join(outdir, dir, 'index.mjs');
    const result = await build({
      ...esbuildOptionsLikeCdk(dir),
      entryPoints: [join(ROOT, 'functions', dir, 'handler.ts')],
      outfile,
      metafile: true,
      logLevel: 'silent',
    });
    const output = (result.metafile as Metafile).outputs[
      Object.keys(result.metafile.outputs).find((name) => name.endsWith('index.mjs')) as string
    ];
    built.set(dir, {
      bytes: readFileSync(outfile).length,
      inputs: Object.keys(output?.inputs ?? {}),
      externalImports: (output?.imports ?? [])
        .filter((entry) => entry.external && !isBuiltin(entry.path))
        .map((entry) => entry.path),
    });
  }
}, 180_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('Lambda bundling (infra/bundling.ts)', () => {
  it('gives CDK an ESM, minified bundle with the SDK taken from the runtime', () => {
    const options = cdkBundlingOptions('delivery');
    expect(options).toMatchObject({
      format: 'esm',
      target: 'node24',
      minify: true,
      sourceMap: true,
      sourcesContent: false,
      bundleAwsSDK: false,
      externalModules: ['@aws-sdk/*', '@smithy/*'],
      banner: LAMBDA_BUNDLING.banner,
    });
    expect(options.commandHooks).toBeUndefined();
    const billing = cdkBundlingOptions('billing-consumer');
    expect(billing.externalModules).toEqual(['@aws-sdk/*', '@smithy/*', 'stripe']);
    expect(billing.commandHooks?.afterBundling('/in', '/out').join('\n')).toContain(
      '/out/node_modules/stripe/index.mjs',
    );
  });

  it('builds a bundle for every function in the topology', () => {
    expect(dirs.length).toBeGreaterThan(0);
    expect([...built.keys()]).toEqual(dirs);
    const folders = readdirSync(join(ROOT, 'functions')).sort();
    expect(dirs).toEqual(folders);
  });

  it.each(dirs.filter((dir) => !INGEST.has(dir)))('keeps %s within 400 KB minified', (dir) => {
    expect(built.get(dir)?.bytes).toBeLessThanOrEqual(OTHER_BUNDLE_LIMIT_BYTES);
  });

  it.each(dirs)('leaves the AWS SDK out of %s and imports only what Lambda will provide', (dir) => {
    const bundle = built.get(dir) as Built;
    expect(bundle.inputs.filter((input) => /node_modules\/(@aws-sdk|@smithy)\//.test(input))).toEqual([]);
    const installed = BUNDLED_BESIDE[dir] ?? [];
    const unresolvable = bundle.externalImports.filter(
      (specifier) => !RUNTIME_SDK_PACKAGE.test(specifier) && !installed.includes(packageName(specifier)),
    );
    expect(unresolvable).toEqual([]);
  });

  it.each([...INGEST])('keeps %s to 150 KB with no import of the AWS SDK or zod, not even the runtime copy', (dir) => {
    // An ESM bundle keeps an external import even when none of its bindings is used, and loading the
    // runtime's SDK costs the ingest path's cold start several times its own code (issue 15).
    const bundle = built.get(dir) as Built;
    expect(bundle.bytes).toBeLessThanOrEqual(INGEST_BUNDLE_LIMIT_BYTES);
    expect(bundle.externalImports).toEqual([]);
    expect(bundle.inputs.filter((input) => /node_modules\/zod\//.test(input))).toEqual([]);
  });

  it('bundles beside a bundle only production dependencies that the bundle really imports', () => {
    for (const [dir, packages] of Object.entries(BUNDLED_BESIDE)) {
      const imported = (built.get(dir)?.externalImports ?? []).map(packageName);
      for (const name of packages) {
        expect(DEPENDENCIES, `${name} (bundled beside ${dir})`).toContain(name);
        expect(imported, `${dir} imports ${name}`).toContain(name);
      }
    }
  });

  it('builds the beside-bundle as a one-file ESM package that Node resolves from the function', async () => {
    const asset = join(outdir, 'asset');
    execFileSync('bash', ['-c', bundleBesideCommands('stripe', ROOT, asset).join(' && ')], { stdio: 'pipe' });
    expect(readdirSync(join(asset, 'node_modules', 'stripe')).sort()).toEqual(['index.mjs', 'package.json']);
    expect(statSync(join(asset, 'node_modules', 'stripe', 'index.mjs')).size).toBeLessThan(400 * 1024);
    // What the function's index.mjs does on its rare path: import('stripe') from beside it.
    writeFileSync(join(asset, 'probe.mjs'), "export const load = () => import('stripe');\n");
    const probe = (await import(pathToFileURL(join(asset, 'probe.mjs')).href)) as {
      load: () => Promise<{ default: new (key: string) => { subscriptions: { retrieve: unknown } } }>;
    };
    const { default: Stripe } = await probe.load();
    expect(typeof new Stripe('sk_test_bundling').subscriptions.retrieve).toBe('function');
    expect(() => bundleBesideCommands('stripe; rm -rf /', ROOT, asset)).toThrow(/Not a package name/);
  });
});
