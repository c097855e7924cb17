import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App, type Environment, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { WebhooksStack } from './webhooks-stack';

/**
 * The CDK app: one stack, checked by cdk-nag's AWS Solutions pack. `cdk synth` runs this file
 * (cdk.json: `npx tsx infra/app.ts`); tests call buildApp() and synthesise in memory.
 */

export const STACK_NAME = 'WebhooksStack';

export interface BuildAppOptions {
  /** CDK's built-in CloudFormation schema validation (~5 s); tests switch it off. */
  readonly builtinCloudFormationValidation?: boolean;
  /** Extra context, e.g. `{ 'aws:cdk:bundling-stacks': [] }` to skip bundling in tests. */
  readonly context?: Record<string, unknown>;
  /** Defaults to AWS_REGION and CDK_DEFAULT_ACCOUNT; undefined values give an environment-agnostic stack. */
  readonly env?: Environment;
}

export function buildApp(options: BuildAppOptions = {}): { app: App; stack: WebhooksStack } {
  const app = new App({
    builtinCloudFormationValidation: options.builtinCloudFormationValidation,
    context: options.context,
  });
  // A validation plugin: registered before anything synthesises, it runs during app.synth() and fails it
  // on any finding not acknowledged with Validations.of(construct).acknowledge().
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new WebhooksStack(app, STACK_NAME, {
    env: options.env ?? {
      account: process.env.CDK_DEFAULT_ACCOUNT,
      // The CLI overwrites CDK_DEFAULT_REGION, so AWS_REGION is what the operator controls.
      region: process.env.AWS_REGION ?? process.env.CDK_DEFAULT_REGION,
    },
  });
  return { app, stack };
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  buildApp().app.synth();
}
