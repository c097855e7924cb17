import { useState } from 'preact/hooks';
import { usePage } from '../context';
import { query } from '../owner';
import type { AttemptView, EndpointView, MessageView, Page } from '../types';
import {
  ErrorText,
  Loading,
  PrettyJson,
  Section,
  StatusBadge,
  useAction,
  useLoad,
  when,
  DataTable,
  Panel,
} from '../ui';

/** An endpoint's attempts, newest first, filtered by status and event type; a message's story; Resend. */

const PAGE_SIZE = 25;

function outcomeText(attempt: AttemptView): string {
  if (attempt.statusCode !== null) return `HTTP ${attempt.statusCode}`;
  if (attempt.error) return `${attempt.error.kind}${attempt.error.message ? `: ${attempt.error.message}` : ''}`;
  return '—';
}

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

export function DeliveryLog({ endpoint }: { endpoint: EndpointView }) {
  const page = usePage();
  const [status, setStatus] = useState('');
  const [eventType, setEventType] = useState('');
  const [pages, setPages] = useState<string[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const loadPage = (cursor?: string) =>
    page.api.request<Page<AttemptView>>(
      'GET',
      `${page.paths.attempts(endpoint.id)}${query({ status, eventType, limit: PAGE_SIZE, cursor })}`,
    );
  const first = useLoad(() => loadPage(), [endpoint.id, status, eventType]);
  const [more, setMore] = useState<{ items: AttemptView[]; nextCursor: string | null }>({
    items: [],
    nextCursor: null,
  });
  const loadMore = useAction(async () => {
    const cursor = more.nextCursor ?? first.data?.nextCursor;
    if (!cursor) return;
    const next = await loadPage(cursor);
    setPages([...pages, cursor]);
    setMore({ items: [...more.items, ...next.items], nextCursor: next.nextCursor });
  });
  const items = [...(first.data?.items ?? []), ...more.items];
  const nextCursor = pages.length > 0 ? more.nextCursor : (first.data?.nextCursor ?? null);
  const reset = () => {
    setPages([]);
    setMore({ items: [], nextCursor: null });
  };
  return (
    <Section
      title="Delivery log"
      actions={
        <button type="button" onClick={() => (reset(), first.reload())}>
          Refresh
        </button>
      }
    >
      <div class="filters">
        <label for="log-status">Status</label>
        <select id="log-status" value={status} onChange={(e) => (reset(), setStatus(e.currentTarget.value))}>
          <option value="">all</option>
          <option value="succeeded">succeeded</option>
          <option value="failed">failed</option>
        </select>
        <label for="log-type">Event type</label>
        <select id="log-type" value={eventType} onChange={(e) => (reset(), setEventType(e.currentTarget.value))}>
          <option value="">all</option>
          {[...new Set([...endpoint.eventTypes.filter((t) => !t.includes('*')), 'webhook.test'])].map((type) => (
            <option key={type} value={type}>
              {type}
            </option>
          ))}
        </select>
      </div>
      <ErrorText error={first.error} />
      {first.loading && !first.data ? <Loading what="attempts" /> : null}
      {first.data && items.length === 0 ? <p class="muted">No attempts match.</p> : null}
      {items.length > 0 ? (
        <DataTable
          label="Attempts"
          testId="attempts"
          columns={['Time', 'Event', 'Status', 'Result', 'Duration', 'Response']}
        >
          {items.map((attempt) => (
            <AttemptRow
              key={`${attempt.messageId}-${attempt.attempt}-${attempt.at}`}
              attempt={attempt}
              onOpen={setSelected}
            />
          ))}
        </DataTable>
      ) : null}
      {nextCursor ? (
        <button type="button" onClick={() => void loadMore.run()} disabled={loadMore.busy}>
          Load more
        </button>
      ) : null}
      <ErrorText error={loadMore.error} />
      {selected ? <MessagePanel messageId={selected} endpoint={endpoint} onClose={() => setSelected(null)} /> : null}
    </Section>
  );
}

function MessagePanel({
  messageId,
  endpoint,
  onClose,
}: {
  messageId: string;
  endpoint: EndpointView;
  onClose: () => void;
}) {
  const page = usePage();
  const message = useLoad(() => page.api.request<MessageView>('GET', page.paths.message(messageId)), [messageId]);
  const resendPath = page.paths.resend(messageId);
  const [resent, setResent] = useState<AttemptView | null>(null);
  const resend = useAction(async () => {
    const answer = await page.api.request<{ attempt: AttemptView }>('POST', resendPath ?? '', {
      endpointId: endpoint.id,
    });
    setResent(answer.attempt);
    message.reload();
  });
  return (
    <Panel title={`Message ${messageId}`} label={`Message ${messageId}`} onClose={onClose}>
      <ErrorText error={message.error} />
      {message.data ? (
        <>
          <p>
            {message.data.eventType}, occurred {when(message.data.occurredAt)}
          </p>
          {page.canWrite && resendPath ? (
            <p>
              <button
                type="button"
                onClick={() => void resend.run()}
                disabled={resend.busy}
                aria-describedby="resend-error"
              >
                Resend
              </button>
              <ErrorText error={resend.error} id="resend-error" />
              {resent ? (
                <span role="status" data-testid="resend-result">
                  {' '}
                  Resent: <StatusBadge status={resent.status} /> {outcomeText(resent)}
                </span>
              ) : null}
            </p>
          ) : null}
          <h4>Payload</h4>
          <PrettyJson value={message.data.payload} label="Message payload" />
          <h4>Deliveries</h4>
          <ul>
            {message.data.deliveries.map((delivery) => (
              <li key={delivery.endpointId}>
                {delivery.endpointId}: <StatusBadge status={delivery.status} /> after {delivery.attempts} attempt(s)
              </li>
            ))}
          </ul>
          <h4>Attempts</h4>
          <ul>
            {message.data.attempts.map((attempt) => (
              <li key={`${attempt.attempt}-${attempt.at}`}>
                {when(attempt.at)} #{attempt.attempt} ({attempt.trigger}): <StatusBadge status={attempt.status} />{' '}
                {outcomeText(attempt)}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </Panel>
  );
}
