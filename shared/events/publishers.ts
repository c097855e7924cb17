import * as z from 'zod';
import type { PlatformEvent } from './event-catalog';
import { eventOwner } from './owner';

/**
 * Who may publish what through `POST /internal/events`: an allowlist from IAM role ARN to the event
 * types (exact, `prefix.*` or `*`) and owner kinds (an organisation's event, a merchant's) the role may
 * publish. Without it any principal with `execute-api:Invoke` could make the platform sign forged
 * `federation.*` or `subscription.updated` webhooks to any tenant. Set from the CDK context key
 * `eventPublishers` in AWS and from EVENT_PUBLISHERS locally; pure functions, no I/O.
 */

export type OwnerKind = 'org' | 'merchant';

export interface PublisherRule {
  readonly eventTypes: readonly string[];
  readonly owners: readonly OwnerKind[];
  /** The role ARN as listed (with its path): what the events queue policy names. */
  readonly roleArn: string;
}

/** Role identity (`<account>:<role name>`) → what it may publish. */
export type PublisherAllowlist = ReadonlyMap<string, PublisherRule>;

export type PublishDecision =
  { readonly allowed: true; readonly role: string } | { readonly allowed: false; readonly reason: string };

const NAME = String.raw`[\w+=,.@-]+`;
const ROLE_ARN = new RegExp(String.raw`^arn:aws[a-z-]*:iam::(\d{12}):role/(?:${NAME}/)*(${NAME})$`);
const ASSUMED_ROLE_ARN = new RegExp(String.raw`^arn:aws[a-z-]*:sts::(\d{12}):assumed-role/(${NAME})/${NAME}$`);
const EVENT_TYPE_PATTERN = /^(\*|[a-z0-9_]+(\.[a-z0-9_]+)*(\.\*)?)$/;

const ruleSchema = z.strictObject({
  eventTypes: z.array(z.string().regex(EVENT_TYPE_PATTERN, 'an event type, `prefix.*` or `*`')).min(1),
  owners: z.array(z.enum(['org', 'merchant'])).min(1),
});
const allowlistSchema = z.record(z.string().regex(ROLE_ARN, 'an IAM role ARN'), ruleSchema);

/**
 * The role a caller acts as, `<account>:<role name>`: from a role ARN (its path dropped) or from the
 * assumed-role session ARN the IAM authorizer reports (`arn:aws:sts::<account>:assumed-role/<name>/<session>`,
 * which carries no path). Anything else (an IAM user, a federated user) is no role: undefined.
 */
export function roleIdentity(arn: string): string | undefined {
  const match = ROLE_ARN.exec(arn) ?? ASSUMED_ROLE_ARN.exec(arn);
  return match ? `${match[1]}:${match[2]}` : undefined;
}

/** Parses and validates the allowlist JSON; throws an Error saying what is wrong (at cold start or synth). */
export function parsePublisherAllowlist(json: string): PublisherAllowlist {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new Error('The event publisher allowlist is not valid JSON');
  }
  const parsed = allowlistSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => {
      const message =
        issue.code === 'invalid_key' ? 'not an IAM role ARN (arn:aws:iam::<account>:role/<name>)' : issue.message;
      return `${issue.path.join('.') || '(root)'}: ${message}`;
    });
    throw new Error(`Invalid event publisher allowlist: ${issues.join('; ')}`);
  }
  return new Map(
    Object.entries(parsed.data).map(([roleArn, rule]) => [roleIdentity(roleArn) as string, { ...rule, roleArn }]),
  );
}

/**
 * Roles that may publish every event type for both owner kinds: for them sending to the events queue
 * directly grants nothing the route would refuse, so the queue policy may let them in. Any narrower
 * entry must go through `POST /internal/events`, where its rule is checked.
 */
export function unrestrictedPublishers(allowlist: PublisherAllowlist): string[] {
  return [...allowlist.values()]
    .filter((rule) => rule.eventTypes.includes('*') && rule.owners.includes('org') && rule.owners.includes('merchant'))
    .map((rule) => rule.roleArn);
}

export function eventTypeAllowed(patterns: readonly string[], type: string): boolean {
  return patterns.some(
    (pattern) =>
      pattern === '*' || pattern === type || (pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1))),
  );
}

/** Whether the caller (IAM authorizer `userArn`) may publish at all, before the body is read. */
export function publisherOf(allowlist: PublisherAllowlist, callerArn: string): PublishDecision {
  const role = roleIdentity(callerArn);
  if (!role) return { allowed: false, reason: 'Only IAM roles may publish events' };
  if (!allowlist.has(role)) return { allowed: false, reason: 'This role is not an allowed event publisher' };
  return { allowed: true, role };
}

/** Whether the caller may publish this (validated) event: its type and its owner's kind. */
export function mayPublish(allowlist: PublisherAllowlist, callerArn: string, event: PlatformEvent): PublishDecision {
  const publisher = publisherOf(allowlist, callerArn);
  if (!publisher.allowed) return publisher;
  const rule = allowlist.get(publisher.role) as PublisherRule;
  if (!eventTypeAllowed(rule.eventTypes, event.type)) {
    return { allowed: false, reason: `This role may not publish ${event.type} events` };
  }
  const ownerKind: OwnerKind = typeof eventOwner(event) === 'string' ? 'org' : 'merchant';
  if (!rule.owners.includes(ownerKind)) {
    return { allowed: false, reason: `This role may not publish events owned by a ${ownerKind}` };
  }
  return publisher;
}
