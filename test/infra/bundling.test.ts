import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cdkBundlingOptions,
  esbuildOptionsLikeCdk,
  INSTALLED_BESIDE_BUNDLE,
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
    expect(options.nodeModules).toBeUndefined();
    expect(cdkBundlingOptions('billing-consumer').nodeModules).toEqual(['stripe']);
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
    const installed = INSTALLED_BESIDE_BUNDLE[dir] ?? [];
    const unresolvable = bundle.externalImports.filter(
      (specifier) => !RUNTIME_SDK_PACKAGE.test(specifier) && !installed.includes(packageName(specifier)),
    );
    expect(unresolvable).toEqual([]);
  });

  it('installs beside a bundle only production dependencies that the bundle really imports', () => {
    for (const [dir, packages] of Object.entries(INSTALLED_BESIDE_BUNDLE)) {
      const imported = (built.get(dir)?.externalImports ?? []).map(packageName);
      for (const name of packages) {
        expect(DEPENDENCIES, `${name} (installed beside ${dir})`).toContain(name);
        expect(imported, `${dir} imports ${name}`).toContain(name);
      }
    }
  });
});
