import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AccountRootPrincipal, type IRole, PolicyDocument, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import {
  ENDPOINT_SECRETS_KEY,
  FUNCTIONS,
  type FunctionAccess,
  type FunctionName,
  type FunctionSpec,
} from '../../shared/platform/topology';
import { entries } from './records';

/**
 * The KMS key that encrypts tenants' endpoint signing secrets (and sources' secrets and OAuth tokens,
 * each under its own encryption-context purpose). The account administers it; only the roles whose
 * topology access names a purpose may use it, and only for that purpose.
 */

/** Key administration for the account (IAM decides who): everything but using the key to encrypt or decrypt. */
const KEY_ADMIN_ACTIONS = [
  'kms:Create*',
  'kms:Describe*',
  'kms:Enable*',
  'kms:List*',
  'kms:Put*',
  'kms:Update*',
  'kms:Revoke*',
  'kms:Disable*',
  'kms:Get*',
  'kms:Delete*',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:RotateKeyOnDemand',
];

/** KMS actions per `endpointSecrets` access: exactly the calls the functions make, nothing more. */
export const ENDPOINT_SECRET_ACTIONS: Record<NonNullable<FunctionAccess['endpointSecrets']>['use'], string[]> = {
  encrypt: ['kms:Encrypt'],
  decrypt: ['kms:Decrypt'],
  encryptDecrypt: ['kms:Encrypt', 'kms:Decrypt'],
};

/** FUNCTIONS widened to the interface, for access fields a given function does not set. */
const functionSpecs: Record<FunctionName, FunctionSpec> = FUNCTIONS;

/** The key, when some function has `endpointSecrets` access; undefined otherwise. */
export function createEndpointSecretsKey(scope: Construct): Key | undefined {
  if (!Object.values(functionSpecs).some((spec) => spec.access.endpointSecrets)) return undefined;
  return new Key(scope, ENDPOINT_SECRETS_KEY.id, {
    description:
      "Encrypts tenants' webhook endpoint signing secrets (EncryptionContext purpose, orgId, endpointId). " +
      'Retained on stack deletion: without it no stored endpoint secret can be decrypted.',
    alias: `alias/betterdata-webhooks/${Stack.of(scope).stackName}/endpoint-secrets`,
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
    // Not the default (account root kms:*): the account administers the key, and only the roles the
    // key policy names per purpose (addEndpointSecretsKeyPolicy) may encrypt or decrypt with it.
    policy: new PolicyDocument({
      statements: [
        new PolicyStatement({
          sid: 'AccountAdministersTheKey',
          principals: [new AccountRootPrincipal()],
          actions: KEY_ADMIN_ACTIONS,
          resources: ['*'],
        }),
      ],
    }),
  });
}

/**
 * The endpoint secrets key policy: per purpose and action, the roles whose topology access
 * (`endpointSecrets`) needs it, conditioned on that purpose. A role not named here cannot use the key,
 * whatever its IAM policy says, since the account statement grants administration only.
 */
export function addEndpointSecretsKeyPolicy(key: Key, functions: Record<FunctionName, IFunction>): void {
  for (const [purpose, context] of entries(ENDPOINT_SECRETS_KEY.purposes)) {
    for (const action of ['kms:Encrypt', 'kms:Decrypt']) {
      const roles = entries(functionSpecs)
        .filter(([, spec]) => spec.access.endpointSecrets?.of === purpose)
        .filter(([, spec]) => ENDPOINT_SECRET_ACTIONS[spec.access.endpointSecrets?.use ?? 'encrypt'].includes(action))
        .map(([name]) => functions[name].role as IRole);
      if (roles.length === 0) continue;
      key.addToResourcePolicy(
        new PolicyStatement({
          sid: `${action.slice(4)}${purpose[0]?.toUpperCase()}${purpose.slice(1)}Secrets`,
          principals: roles,
          actions: [action],
          resources: ['*'],
          conditions: { StringEquals: { 'kms:EncryptionContext:purpose': context } },
        }),
      );
    }
  }
}
