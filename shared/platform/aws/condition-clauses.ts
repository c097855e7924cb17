/**
 * The condition clauses the stores write with, named once. Every table keys on `pk` (plus `sk`), so
 * "an item with this key exists" is a test of `pk`. A module of its own, so the ingest path's lean
 * writes use them without loading the SDK's document client.
 */

/** No item has this key yet: the write creates it (with deterministic keys, the idempotency check). */
export const ITEM_ABSENT = 'attribute_not_exists(pk)';
/** An item has this key: an update or delete never creates a half item in its place. */
export const ITEM_PRESENT = 'attribute_exists(pk)';
