import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { esbuildOptionsLikeCdk, LAMBDA_BUNDLING } from '../../infra/bundling';
import { REPO_ROOT } from './paths';

/**
 * esbuild as the CDK app runs it. NodejsFunction (aws-cdk-lib/aws-lambda-nodejs/lib/bundling.js)
 * calls `esbuild --bundle <entry> --target=node24 --platform=node --format=esm --outfile=index.mjs
 * --minify --sourcemap --sources-content=false --banner:js=<banner> --main-fields=module,main
 * --external:@aws-sdk/* --external:@smithy/*` (plus `--external:<name>` for each package bundled
 * beside it). The options come from infra/bundling.ts, the same data the stack passes to CDK,
 * so what is measured is what is deployed. The target is node20 because bundles may run on this
 * machine's Node 20; the output differs only in syntax lowering.
 */

export interface CdkBundlingFacts {
  readonly banner: string;
  /** Each option the stack sets, and whether the benchmark's esbuild call reproduces it. */
  readonly checks: Record<string, boolean>;
  readonly nodeOptions: string | undefined;
  /** Packages left out of every bundle: the Lambda runtime provides them. */
  readonly runtimeProvided: readonly string[];
}

export function readCdkBundlingFacts(): CdkBundlingFacts {
  const source = readFileSync(join(REPO_ROOT, 'infra', 'webhooks-stack.ts'), 'utf8');
  const checks: Record<string, boolean> = {
    'format: esm': LAMBDA_BUNDLING.format === 'esm',
    "mainFields: ['module', 'main']": LAMBDA_BUNDLING.mainFields.join() === 'module,main',
    'minify: true': LAMBDA_BUNDLING.minify,
    'sourceMap: true': LAMBDA_BUNDLING.sourceMap,
    'sourcesContent: false': !LAMBDA_BUNDLING.sourcesContent,
    'bundling: cdkBundlingOptions(spec.dir)': source.includes('bundling: cdkBundlingOptions(spec.dir)'),
  };
  const nodeOptions = /NODE_OPTIONS:\s*'([^']*)'/.exec(source)?.[1];
  return { banner: LAMBDA_BUNDLING.banner, checks, nodeOptions, runtimeProvided: LAMBDA_BUNDLING.runtimeProvided };
}

export interface BundleResult {
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly mapBytes: number;
  /** Largest contributors to the output, by npm package (or repository folder). */
  readonly topInputs: { readonly name: string; readonly bytes: number }[];
}

/** Groups a metafile's inputs by package so a report can say where the bytes come from. */
export function contributors(metafile: Metafile, outfile: string, limit = 8): { name: string; bytes: number }[] {
  const output = Object.entries(metafile.outputs).find(([name]) => resolve(REPO_ROOT, name) === resolve(outfile))?.[1];
  if (!output) return [];
  const totals = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    const name = match?.[1] ?? input.split('/').slice(0, 2).join('/');
    totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
  }
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, bytes]) => ({ name, bytes }));
}

/**
 * Bundles one handler exactly as the CDK app does (see above), into `outdir/index.mjs`. With
 * `sdk: 'bundled'`, the SDK goes into the bundle instead (the alternative the stack decided against).
 */
export async function bundleLikeCdk(
  entry: string,
  outdir: string,
  sdk: 'runtime' | 'bundled' = 'runtime',
): Promise<BundleResult> {
  const outfile = join(outdir, 'index.mjs');
  const result = await build({
    ...esbuildOptionsLikeCdk(basename(dirname(entry)), sdk),
    entryPoints: [entry],
    // This machine's Node may be 20; the output differs only in syntax lowering.
    target: 'node20',
    outfile,
    metafile: true,
    logLevel: 'silent',
  });
  return describe(outfile, result.metafile);
}

/**
 * The "common way" baseline: a NodejsFunction with its defaults (CommonJS output, esbuild's default
 * main fields for node, so packages resolve to their CommonJS builds, which cannot be tree-shaken),
 * minified, the SDK bundled.
 */
export async function bundleCommonWay(entry: string, outdir: string): Promise<BundleResult> {
  const outfile = join(outdir, 'index.js');
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    metafile: true,
    logLevel: 'silent',
  });
  return describe(outfile, result.metafile);
}

function describe(outfile: string, metafile: Metafile): BundleResult {
  const code = readFileSync(outfile);
  return {
    file: outfile,
    bytes: code.length,
    gzipBytes: gzipSync(code).length,
    mapBytes: statSync(`${outfile}.map`).size,
    topInputs: contributors(metafile, outfile),
  };
}

/**
 * The benchmark workers themselves, bundled the same way so they run on plain node (no tsx in RSS).
 * Each is built on its own, so code that changed under one benchmark fails only that benchmark.
 */
export async function bundleWorkers(
  entries: Record<string, string>,
  outdir: string,
  facts: CdkBundlingFacts,
): Promise<Record<string, string | Error>> {
  const bundles: Record<string, string | Error> = {};
  for (const [name, entry] of Object.entries(entries)) {
    const options: BuildOptions = {
      entryPoints: { [name]: entry },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outdir,
      outExtension: { '.js': '.mjs' },
      minify: true,
      sourcemap: true,
      sourcesContent: false,
      banner: { js: facts.banner },
      mainFields: ['module', 'main'],
      logLevel: 'silent',
    };
    try {
      await build(options);
      bundles[name] = join(outdir, `${name}.mjs`);
    } catch (error) {
      bundles[name] = error instanceof Error ? error : new Error(String(error));
    }
  }
  return bundles;
}
