import { useState } from 'preact/hooks';
import { usePage } from '../context';
import { query } from '../owner';
import type { AttemptView, EndpointView, Page } from '../types';
import { DataTable, ErrorText, FilterSelect, Loading, Section, StatusBadge, useAction, useLoad, when } from '../ui';
import { MessagePanel, outcomeText } from './message-panel';

/** An endpoint's attempts, newest first, filtered by status and event type; each opens its message. */

const PAGE_SIZE = 25;

/** One attempt: time, event (opens its message), status, result, duration and response excerpt. */
function AttemptRow({ attempt, onOpen }: { attempt: AttemptView; onOpen: (messageId: string) => void }) {
  return (
    <tr>
      <td>{when(attempt.at)}</td>
      <td>
        <button type="button" class="link" onClick={() => onOpen(attempt.messageId)}>
          {attempt.eventType}
        </button>
        <div class="muted">
          #{attempt.attempt} {attempt.trigger}
        </div>
      </td>
      <td>
        <StatusBadge status={attempt.status} />
      </td>
      <td>{outcomeText(attempt)}</td>
      <td>{attempt.durationMs === null ? '—' : `${attempt.durationMs} ms`}</td>
      <td>
        <code class="excerpt">{attempt.responseExcerpt ?? ''}</code>
      </td>
    </tr>
  );
}

/** The log's pages: the first, reloaded when the filters change, then each "Load more" appended. */
function useAttemptLog(endpointId: string, filters: { status: string; eventType: string }) {
  const page = usePage();
  const loadPage = (cursor?: string) =>
    page.api.request<Page<AttemptView>>(
      'GET',
      `${page.paths.attempts(endpointId)}${query({ ...filters, limit: PAGE_SIZE, cursor })}`,
    );
  const first = useLoad(() => loadPage(), [endpointId, filters.status, filters.eventType]);
  const [more, setMore] = useState<{ items: AttemptView[]; nextCursor: string | null; loaded: boolean }>({
    items: [],
    nextCursor: null,
    loaded: false,
  });
  const loadMore = useAction(async () => {
    const cursor = more.nextCursor ?? first.data?.nextCursor;
    if (!cursor) return;
    const next = await loadPage(cursor);
    setMore({ items: [...more.items, ...next.items], nextCursor: next.nextCursor, loaded: true });
  });
  return {
    first,
    loadMore,
    items: [...(first.data?.items ?? []), ...more.items],
    nextCursor: more.loaded ? more.nextCursor : (first.data?.nextCursor ?? null),
    reset: () => setMore({ items: [], nextCursor: null, loaded: false }),
  };
}

export function DeliveryLog({ endpoint }: { endpoint: EndpointView }) {
  const [filters, setFilters] = useState({ status: '', eventType: '' });
  const [selected, setSelected] = useState<string | null>(null);
  const log = useAttemptLog(endpoint.id, filters);
  const filter = (change: Partial<typeof filters>) => (log.reset(), setFilters({ ...filters, ...change }));
  const eventTypes = [...new Set([...endpoint.eventTypes.filter((t) => !t.includes('*')), 'webhook.test'])];
  return (
    <Section
      title="Delivery log"
      actions={
        <button type="button" onClick={() => (log.reset(), log.first.reload())}>
          Refresh
        </button>
      }
    >
      <div class="filters">
        <FilterSelect
          id="log-status"
          label="Status"
          value={filters.status}
          choices={['succeeded', 'failed']}
          onChange={(status) => filter({ status })}
        />
        <FilterSelect
          id="log-type"
          label="Event type"
          value={filters.eventType}
          choices={eventTypes}
          onChange={(eventType) => filter({ eventType })}
        />
      </div>
      <ErrorText error={log.first.error} />
      {log.first.loading && !log.first.data ? <Loading what="attempts" /> : null}
      {log.first.data && log.items.length === 0 ? <p class="muted">No attempts match.</p> : null}
      {log.items.length > 0 ? (
        <DataTable
          label="Attempts"
          testId="attempts"
          columns={['Time', 'Event', 'Status', 'Result', 'Duration', 'Response']}
        >
          {log.items.map((attempt) => (
            <AttemptRow
              key={`${attempt.messageId}-${attempt.attempt}-${attempt.at}`}
              attempt={attempt}
              onOpen={setSelected}
            />
          ))}
        </DataTable>
      ) : null}
      {log.nextCursor ? (
        <button type="button" onClick={() => void log.loadMore.run()} disabled={log.loadMore.busy}>
          Load more
        </button>
      ) : null}
      <ErrorText error={log.loadMore.error} />
      {selected ? <MessagePanel messageId={selected} endpoint={endpoint} onClose={() => setSelected(null)} /> : null}
    </Section>
  );
}
