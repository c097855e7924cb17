import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

/**
 * The local queues' store: fauxqs keeps every queue, message, receive count and delay in SQLite
 * (`<dataDir>/queues/fauxqs.db`, written through on every call), so a local runtime killed at any
 * moment loses nothing that SQS had accepted.
 *
 * One thing differs from AWS on purpose: messages the killed runtime had received but not yet
 * deleted would stay invisible for their whole visibility timeout (up to 12 minutes). The data
 * directory lock proves no consumer holds them any more, so they are made visible again at start;
 * their receive count is kept, so a message that crashes the runtime again and again still ends in
 * its DLQ.
 */

export const QUEUE_STORE_FILE = 'fauxqs.db';

/** Makes messages left in flight by a previous run visible; resolves to how many there were. */
export function releaseAbandonedMessages(queueDataDir: string): number {
  const file = join(queueDataDir, QUEUE_STORE_FILE);
  if (!existsSync(file)) return 0;
  const db = new DatabaseSync(file);
  try {
    const columns = db.prepare("SELECT name FROM pragma_table_info('sqs_messages')").all() as { name: string }[];
    const names = new Set(columns.map((column) => column.name));
    // Another fauxqs schema: leave it alone (the messages still return after their visibility timeout).
    if (!names.has('receipt_handle') || !names.has('visibility_deadline')) return 0;
    const result = db
      .prepare(
        'UPDATE sqs_messages SET receipt_handle = NULL, visibility_deadline = NULL WHERE receipt_handle IS NOT NULL',
      )
      .run();
    return Number(result.changes);
  } finally {
    db.close();
  }
}
