import { createHash, timingSafeEqual } from 'node:crypto';
import { LOCAL_ACCOUNT_ID } from './lambda-context';

/**
 * Local stand-in for the HTTP API's IAM authorizer on `auth: 'iam'` routes. In AWS the caller signs
 * the request with SigV4 and needs `execute-api:Invoke` on the route; locally it presents
 * `Authorization: Bearer <INTERNAL_API_TOKEN>` instead, and acts as LOCAL_PUBLISHER_ROLE_ARN. Like
 * API Gateway, a missing or wrong credential is refused with 403 `{"message":"Forbidden"}` before the
 * function runs, and an accepted caller reaches the function as `requestContext.authorizer.iam`
 * (payload 2.0).
 */

/** `requestContext.authorizer.iam` as an HTTP API (payload 2.0) delivers it. */
export interface IamAuthorizerContext {
  readonly accessKey: string;
  readonly accountId: string;
  readonly callerId: string;
  readonly cognitoIdentity: null;
  readonly principalOrgId: string | null;
  readonly userArn: string;
  readonly userId: string;
}

/**
 * The role the local token stands for. In AWS publishers are services running under IAM roles, and the
 * publisher allowlist (EVENT_PUBLISHERS, CDK context `eventPublishers`) is keyed by role ARN: locally
 * that key is this ARN.
 */
export const LOCAL_PUBLISHER_ROLE_ARN = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/local-internal-publisher`;

/** The one caller the local token stands for: a session of LOCAL_PUBLISHER_ROLE_ARN, as the authorizer reports it. */
export const LOCAL_INTERNAL_CALLER: IamAuthorizerContext = {
  accessKey: 'ASIALOCALINTERNAL000',
  accountId: LOCAL_ACCOUNT_ID,
  callerId: 'AROALOCALINTERNALPUBL:local',
  cognitoIdentity: null,
  principalOrgId: null,
  userArn: `arn:aws:sts::${LOCAL_ACCOUNT_ID}:assumed-role/local-internal-publisher/local`,
  userId: 'AROALOCALINTERNALPUBL:local',
};

/** What the local role may publish unless EVENT_PUBLISHERS says otherwise: everything, as before the allowlist. */
export const LOCAL_EVENT_PUBLISHERS = JSON.stringify({
  [LOCAL_PUBLISHER_ROLE_ARN]: { eventTypes: ['*'], owners: ['org', 'merchant'] },
});

/** The token of an `Authorization: Bearer <token>` header; anything else (or no header) is undefined. */
export function bearerToken(value: string | undefined): string | undefined {
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(value ?? '');
  return match?.[1];
}

/** Constant-time comparison; hashing first keeps the token's length out of the timing too. */
function sameToken(presented: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/**
 * The caller identity when the header carries the expected token, else undefined (answer 403).
 * With no token configured every request is refused.
 */
export function authorizeInternalCaller(
  authorization: string | undefined,
  expectedToken: string | undefined,
): IamAuthorizerContext | undefined {
  const presented = bearerToken(authorization);
  if (!presented || !expectedToken) return undefined;
  return sameToken(presented, expectedToken) ? LOCAL_INTERNAL_CALLER : undefined;
}
