import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp } from '../../infra/app';
import { handlerEntry } from '../../infra/webhooks-stack';
import { FUNCTIONS, type FunctionSpec } from '../../shared/topology';
import { REPO_ROOT } from './paths';
import { runWorker } from './worker';

/**
 * The environment each Lambda function gets in AWS, read from a synthesis of the real CDK app
 * (bundling skipped, as the infra tests do), so a cold-start process is configured exactly as the
 * deployed function is. CloudFormation references (table names, queue URLs, ARNs) come back as
 * `{ token: … }` for the cold-start benchmark to point at its loopback stub. Runs under tsx.
 */

export type EnvValue = string | { readonly token: string };

export interface LambdaEnvResult {
  /** By function folder (functions/<dir>). */
  readonly functions: Record<string, { readonly name: string; readonly env: Record<string, EnvValue> }>;
}

interface Resource {
  readonly Type: string;
  readonly Properties?: { readonly Environment?: { readonly Variables?: Record<string, unknown> } };
}

async function main(): Promise<LambdaEnvResult> {
  const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  const stub = join(REPO_ROOT, 'test', 'infra', 'stub-handler.ts');
  const { app } = buildApp({
    builtinCloudFormationValidation: false,
    context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], '@aws-cdk/core:failSynthOnValidationErrors': false },
    env: {},
    functionEntry: (spec: FunctionSpec) => (existsSync(handlerEntry(spec)) ? handlerEntry(spec) : stub),
  });
  const assembly = app.synth();
  const template = assembly.stacks[0]?.template as { Resources: Record<string, Resource> };
  const functions: Record<string, { name: string; env: Record<string, EnvValue> }> = {};
  for (const [name, spec] of Object.entries(FUNCTIONS) as [string, FunctionSpec][]) {
    const match = Object.entries(template.Resources).find(
      ([logicalId, resource]) => resource.Type === 'AWS::Lambda::Function' && logicalId.startsWith(spec.id) && /^[0-9A-F]{8}$/.test(logicalId.slice(spec.id.length)),
    );
    if (!match) continue;
    const variables = match[1].Properties?.Environment?.Variables ?? {};
    const env: Record<string, EnvValue> = {};
    for (const [key, value] of Object.entries(variables)) env[key] = typeof value === 'string' ? value : { token: JSON.stringify(value) };
    functions[spec.dir] = { name, env };
  }
  return { functions };
}

runWorker(main);
