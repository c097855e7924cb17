import type { PlatformEvent } from './event-catalog';

/**
 * Who owns an endpoint and the messages, deliveries and attempts routed to it: an organisation
 * (`orgId`, the original and most common case) or a Commerce Gateway merchant (federation webhooks,
 * `merchantId`). Records keep their `orgId` field either way so the engine reads one shape; a
 * merchant's records also carry `merchantId`, which is what decides ownership. Stores key on the
 * owner (`ORG#<org>` or `MERCHANT#<merchant>`), so no organisation key reaches a merchant's items
 * and no merchant key reaches an organisation's.
 */

/** An organisation id, or a merchant. */
export type Owner = string | { readonly merchantId: string };

export interface Owned {
  readonly orgId: string;
  readonly merchantId?: string | undefined;
}

export function ownerOf(record: Owned): Owner {
  return record.merchantId !== undefined ? { merchantId: record.merchantId } : record.orgId;
}

/** The partition an owner's endpoints (and recoveries) live under. */
export function ownerPartition(owner: Owner): string {
  return typeof owner === 'string' ? `ORG#${owner}` : `MERCHANT#${owner.merchantId}`;
}

/**
 * The `orgId` a merchant's records carry: a label for logs, never an authority. Org routes also check
 * `merchantId` is absent, so a record is never shown to an organisation, whatever its id.
 */
const merchantOrgLabel = (merchantId: string): string => `merchant:${merchantId}`;

/** The record fields of an owner: `{ orgId }` or `{ orgId: <label>, merchantId }`. */
export function ownerFields(owner: Owner): Owned {
  return typeof owner === 'string'
    ? { orgId: owner }
    : { orgId: merchantOrgLabel(owner.merchantId), merchantId: owner.merchantId };
}

/** True when a record belongs to the organisation (and to no merchant). */
export const ownedByOrg = (record: Owned | undefined, orgId: string): boolean =>
  record !== undefined && record.merchantId === undefined && record.orgId === orgId;

/** The owner of a published event: its organisation, or its merchant for federation events. */
export function eventOwner(event: PlatformEvent): Owner {
  return event.merchantId !== undefined ? { merchantId: event.merchantId } : (event.orgId as string);
}

/** True when a record belongs to the owner: the organisation (and no merchant), or the merchant. */
export const ownedBy = (record: Owned | undefined, owner: Owner): boolean =>
  typeof owner === 'string'
    ? ownedByOrg(record, owner)
    : record !== undefined && record.merchantId === owner.merchantId;
