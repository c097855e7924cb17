import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/** Lets CommonJS dependencies bundled into the ESM output call `require` for Node built-ins. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/**
 * How every function is bundled, as plain data: the CDK options (`cdkBundlingOptions`) and the
 * benchmark's esbuild call (bench/lib/bundling.ts) both derive from it, so what is measured is what
 * is deployed.
 *
 * The AWS SDK is taken from the runtime, not bundled: nodejs24.x ships SDK v3 (`@aws-sdk/*` and the
 * `@smithy/*` packages it is built on) in its own node_modules. Measured on Node 24 (bench 3,
 * 2026-12-06, zod already tree-shaken): bundled, the SDK's core and clients were 290–610 KB of each
 * bundle (billing-api 493 KiB, delivery 623, inbound-api 741, job-worker 848; the S3 client alone 157);
 * from the runtime, every bundle is 153–245 KiB, and a fresh process answers its first event as soon
 * (billing-api 482 vs 456 ms, delivery 650 vs 648, inbound-api 392 vs 563, same run, shared machine).
 * Bundling the SDK used to buy "the versions we test are the versions we run"; the trade-off now is
 * that Lambda runs the SDK version its runtime carries (README, "AWS SDK version"). To go back, set
 * `bundleAwsSDK: true` and drop `runtimeProvided` from the externals; test/infra/bundling.test.ts
 * keeps every bundle within 400 KB and importing only what Lambda provides.
 */
export const LAMBDA_BUNDLING = {
  format: 'esm',
  target: 'node24',
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  minify: true,
  sourceMap: true,
  // Stack traces map to file:line without shipping the sources themselves.
  sourcesContent: false,
  /** Imported from the Lambda runtime's node_modules at run time, never bundled. */
  runtimeProvided: ['@aws-sdk/*', '@smithy/*'],
} as const;

/**
 * Packages a function loads only on a rarely used path (a dynamic `import()`): each is bundled into
 * a file of its own beside the function's bundle (`node_modules/<name>/index.mjs`, an ESM package of
 * one minified file), so it costs neither bundle bytes nor parse time at cold start, and the zip
 * stays small (the npm package itself would add 23 MB unzipped). Keyed by the function's folder under
 * functions/.
 */
export const BUNDLED_BESIDE: Readonly<Record<string, readonly string[]>> = {
  // Stripe reconciliation (shared/billing/subscription-source.ts) loads the 250 KB `stripe` client
  // only when a Stripe API key is configured.
  'billing-consumer': ['stripe'],
};

export function bundledBeside(functionDir: string): readonly string[] {
  return BUNDLED_BESIDE[functionDir] ?? [];
}

/**
 * Shell commands (run by CDK after bundling, in the project root) that bundle one package into
 * `<outputDir>/node_modules/<name>/`, where Node's resolution from the function's index.mjs finds it.
 */
export function bundleBesideCommands(packageName: string, inputDir: string, outputDir: string): string[] {
  if (!/^(@[a-z0-9._-]+\/)?[a-z0-9._-]+$/.test(packageName)) throw new Error(`Not a package name: ${packageName}`);
  const target = `${outputDir}/node_modules/${packageName}`;
  const manifest = JSON.stringify({ name: packageName, private: true, type: 'module', exports: './index.mjs' });
  const esbuild = [
    `"${inputDir}/node_modules/.bin/esbuild"`,
    packageName,
    '--bundle',
    '--platform=node',
    `--format=${LAMBDA_BUNDLING.format}`,
    `--target=${LAMBDA_BUNDLING.target}`,
    '--minify',
    `--main-fields=${LAMBDA_BUNDLING.mainFields.join(',')}`,
    `--banner:js="${LAMBDA_BUNDLING.banner}"`,
    `--outfile="${target}/index.mjs"`,
    '--log-level=warning',
  ].join(' ');
  return [`cd "${inputDir}"`, esbuild, `printf '%s\\n' '${manifest}' > "${target}/package.json"`];
}

/** The bundling block of a function's NodejsFunction. */
export function cdkBundlingOptions(functionDir: string): BundlingOptions {
  const beside = bundledBeside(functionDir);
  return {
    format: OutputFormat.ESM,
    target: LAMBDA_BUNDLING.target,
    mainFields: [...LAMBDA_BUNDLING.mainFields],
    banner: LAMBDA_BUNDLING.banner,
    minify: LAMBDA_BUNDLING.minify,
    sourceMap: LAMBDA_BUNDLING.sourceMap,
    sourcesContent: LAMBDA_BUNDLING.sourcesContent,
    bundleAwsSDK: false,
    externalModules: [...LAMBDA_BUNDLING.runtimeProvided, ...beside],
    ...(beside.length > 0 && {
      commandHooks: {
        beforeBundling: () => [],
        beforeInstall: () => [],
        afterBundling: (inputDir: string, outputDir: string) =>
          beside.flatMap((name) => bundleBesideCommands(name, inputDir, outputDir)),
      },
    }),
  };
}

/**
 * The esbuild options NodejsFunction derives from `cdkBundlingOptions` (aws-lambda-nodejs/lib/bundling.js:
 * `--bundle --platform=node --format=esm --minify --sourcemap --sources-content=false --banner:js=…
 * --main-fields=module,main --external:…`), for the benchmark and the bundling tests. `sdk: 'bundled'`
 * is the alternative the stack decided against, kept measurable.
 */
export function esbuildOptionsLikeCdk(functionDir: string, sdk: 'runtime' | 'bundled' = 'runtime'): BuildOptions {
  return {
    bundle: true,
    platform: 'node',
    format: LAMBDA_BUNDLING.format,
    target: LAMBDA_BUNDLING.target,
    mainFields: [...LAMBDA_BUNDLING.mainFields],
    banner: { js: LAMBDA_BUNDLING.banner },
    minify: LAMBDA_BUNDLING.minify,
    sourcemap: LAMBDA_BUNDLING.sourceMap,
    sourcesContent: LAMBDA_BUNDLING.sourcesContent,
    external: [...(sdk === 'runtime' ? LAMBDA_BUNDLING.runtimeProvided : []), ...bundledBeside(functionDir)],
  };
}
