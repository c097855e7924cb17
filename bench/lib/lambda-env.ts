import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BUCKETS,
  ENDPOINT_SECRETS_KEY,
  FUNCTIONS,
  METRICS_NAMESPACE,
  OPS_TOPIC,
  QUEUES,
  SECRETS,
  TABLES,
  type FunctionSpec,
} from '../../shared/platform/topology';
import { REPO_ROOT } from './paths';
import { runWorker } from './worker';

/**
 * The environment each Lambda function gets in AWS, read from a synthesis of the real CDK app
 * (bundling skipped, as the infra tests do), so a cold-start process is configured exactly as the
 * deployed function is. CloudFormation references (table names, queue URLs, ARNs) come back as
 * `{ token: … }` for the cold-start benchmark to point at its loopback stub. Runs under tsx.
 * Should the stack not synthesise (being edited), the environment is derived from
 * shared/topology.ts the way the stack derives it, and the result says so.
 */

export type EnvValue = string | { readonly token: string };

export interface LambdaEnvResult {
  /** By function folder (functions/<dir>). */
  readonly functions: Record<string, { readonly name: string; readonly env: Record<string, EnvValue> }>;
  /** `synth` normally; `topology` when the CDK app could not be synthesised (then: why). */
  readonly source: 'synth' | 'topology';
  readonly synthError?: string;
}

interface Resource {
  readonly Type: string;
  readonly Properties?: { readonly Environment?: { readonly Variables?: Record<string, unknown> } };
}

async function fromSynth(): Promise<LambdaEnvResult['functions']> {
  // Imported here so a stack that does not load (mid-edit) falls back to the topology below.
  const { buildApp } = await import('../../infra/app');
  const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  const { app } = buildApp({
    builtinCloudFormationValidation: false,
    context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], '@aws-cdk/core:failSynthOnValidationErrors': false },
    env: {},
  });
  const assembly = app.synth();
  const template = assembly.stacks[0]?.template as { Resources: Record<string, Resource> };
  const functions: Record<string, { name: string; env: Record<string, EnvValue> }> = {};
  for (const [name, spec] of Object.entries(FUNCTIONS) as [string, FunctionSpec][]) {
    const match = Object.entries(template.Resources).find(
      ([logicalId, resource]) =>
        resource.Type === 'AWS::Lambda::Function' &&
        logicalId.startsWith(spec.id) &&
        /^[0-9A-F]{8}$/.test(logicalId.slice(spec.id.length)),
    );
    if (!match) continue;
    const variables = match[1].Properties?.Environment?.Variables ?? {};
    const env: Record<string, EnvValue> = {};
    for (const [key, value] of Object.entries(variables))
      env[key] = typeof value === 'string' ? value : { token: JSON.stringify(value) };
    functions[spec.dir] = { name, env };
  }
  return functions;
}

/** What infra/webhooks-stack.ts derives from the topology, for when the stack cannot be synthesised. */
function fromTopology(): LambdaEnvResult['functions'] {
  const functions: Record<string, { name: string; env: Record<string, EnvValue> }> = {};
  for (const [name, spec] of Object.entries(FUNCTIONS) as [string, FunctionSpec][]) {
    const env: Record<string, EnvValue> = {
      POWERTOOLS_SERVICE_NAME: spec.dir,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
    };
    const token = (what: string) => ({ token: what });
    for (const table of Object.keys(spec.access.tables ?? {}))
      env[TABLES[table as keyof typeof TABLES].envVar] = token(table);
    for (const bucket of Object.keys(spec.access.buckets ?? {}))
      env[BUCKETS[bucket as keyof typeof BUCKETS].envVar] = token(bucket);
    for (const queue of spec.access.sendsTo ?? []) env[QUEUES[queue].envVar] = token(queue);
    for (const queue of spec.access.sendsToDeadLetter ?? []) {
      const envVar = QUEUES[queue].dlq.envVar;
      if (envVar) env[envVar] = token(`${queue}-dlq`);
    }
    for (const secret of spec.access.secrets ?? [])
      if (SECRETS[secret].required) env[SECRETS[secret].arnEnvVar] = token(secret);
    if (spec.access.publishesOpsAlerts) env[OPS_TOPIC.envVar] = token('ops-topic');
    if (spec.access.endpointSecrets) env[ENDPOINT_SECRETS_KEY.kmsKeyIdEnvVar] = token('endpoint-secrets-key');
    functions[spec.dir] = { name, env };
  }
  return functions;
}

async function main(): Promise<LambdaEnvResult> {
  try {
    return { functions: await fromSynth(), source: 'synth' };
  } catch (error) {
    return { functions: fromTopology(), source: 'topology', synthError: (error as Error).message.split('\n')[0] ?? '' };
  }
}

runWorker(main);
