import type { InboundEntry } from '../../shared/inbound/log/inbound-event';
import type { InboundLogStore } from '../../shared/inbound/log/inbound-log-store';
import type { InboundLogging } from '../../shared/inbound/log/logged-processing';

/** An in-memory inbound log for unit tests of the functions that write it (the real store is integration-tested). */
export function memoryInboundLog(now: () => Date): InboundLogging & { entries: Map<string, InboundEntry> } {
  const entries = new Map<string, InboundEntry>();
  const bodies = new Map<string, Buffer>();
  const store: InboundLogStore = {
    get: async (id) => entries.get(id),
    body: async (id) => bodies.get(id),
    async create(entry, body) {
      if (entries.has(entry.id)) return 'exists';
      entries.set(entry.id, entry);
      bodies.set(entry.id, body);
      return 'created';
    },
    async saveTry(entry) {
      const stored = entries.get(entry.id);
      if (stored) entries.set(entry.id, { ...entry, receiveCount: stored.receiveCount });
    },
    async countReceipt(id) {
      const stored = entries.get(id);
      if (stored) entries.set(id, { ...stored, receiveCount: stored.receiveCount + 1 });
    },
    list: async () => ({ items: [...entries.values()], nextCursor: null }),
  };
  return { store, retentionDays: 30, now, entries };
}
