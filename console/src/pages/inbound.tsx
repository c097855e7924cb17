import { useState } from 'preact/hooks';
import { usePage } from '../context';
import { query } from '../owner';
import { DataTable, ErrorText, FilterSelect, Loading, Panel, PrettyJson, Section, StatusBadge, when } from '../ui';
import { useAction, useLoad } from '../ui';

/** The inbound event log (from the inbound-log issue): filters, an event's body and outcome, Replay. */

interface InboundEvent {
  id: string;
  provider: string;
  providerEventId: string;
  type: string;
  receivedAt: string;
  receiveCount: number;
  account: string;
  status: string;
  reason?: string;
}

interface InboundDetail extends InboundEvent {
  headers?: Record<string, string>;
  body?: string;
  tries?: unknown;
  effects?: unknown;
}

const NOT_HERE = 'The inbound event log is not available on this deployment.';

export function InboundPage() {
  const page = usePage();
  const base = `/v1/orgs/${encodeURIComponent(page.owner.id)}/inbound/events`;
  const [filters, setFilters] = useState({ provider: '', status: '', type: '' });
  const [selected, setSelected] = useState<string | null>(null);
  const list = useLoad(
    () =>
      page.api.request<{ data: InboundEvent[]; nextCursor: string | null }>(
        'GET',
        `${base}${query({ ...filters, limit: 50 })}`,
      ),
    [filters.provider, filters.status, filters.type],
  );
  return (
    <Section title="Inbound events">
      <div class="filters">
        <FilterSelect
          id="in-provider"
          label="Provider"
          value={filters.provider}
          choices={[
            ['stripe', 'Stripe'],
            ['shopify', 'Shopify'],
            ['square', 'Square'],
            ['sources', 'Signed sources'],
          ]}
          onChange={(provider) => setFilters({ ...filters, provider })}
        />
        <FilterSelect
          id="in-status"
          label="Outcome"
          value={filters.status}
          choices={['applied', 'ignored', 'unmatched', 'failed']}
          onChange={(status) => setFilters({ ...filters, status })}
        />
        <label for="in-type">Type</label>
        <input
          id="in-type"
          value={filters.type}
          onChange={(e) => setFilters({ ...filters, type: e.currentTarget.value })}
        />
      </div>
      <ErrorText error={list.error} missing={NOT_HERE} />
      {list.loading && !list.data ? <Loading what="inbound events" /> : null}
      {list.data && list.data.data.length === 0 ? <p class="muted">No inbound events match.</p> : null}
      {list.data && list.data.data.length > 0 ? (
        <DataTable label="Inbound events" columns={['Received', 'Provider', 'Type', 'Outcome']}>
          {list.data.data.map((event) => (
            <tr key={event.id}>
              <td>{when(event.receivedAt)}</td>
              <td>
                {event.provider} <span class="muted">{event.account}</span>
              </td>
              <td>
                <button type="button" class="link" onClick={() => setSelected(event.id)}>
                  {event.type}
                </button>
              </td>
              <td>
                <StatusBadge status={event.status} /> {event.reason ?? ''}
              </td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      {selected ? (
        <InboundDetailPanel url={`${base}/${encodeURIComponent(selected)}`} onClose={() => setSelected(null)} />
      ) : null}
    </Section>
  );
}

function InboundDetailPanel({ url, onClose }: { url: string; onClose: () => void }) {
  const page = usePage();
  const detail = useLoad(() => page.api.request<InboundDetail>('GET', url), [url]);
  const [replayed, setReplayed] = useState<string | null>(null);
  const replay = useAction(async () => {
    const answer = await page.api.request<InboundEvent>('POST', `${url}/replay`);
    setReplayed(answer.status);
    detail.reload();
  });
  const body = detail.data?.body;
  let parsed: unknown = body;
  try {
    parsed = body === undefined ? undefined : JSON.parse(body);
  } catch {
    // Not JSON: shown as the text it was.
  }
  return (
    <Panel title={detail.data?.type ?? 'Event'} label="Inbound event" onClose={onClose}>
      <ErrorText error={detail.error} missing={NOT_HERE} />
      {detail.data ? (
        <>
          <p>
            {detail.data.providerEventId}: <StatusBadge status={detail.data.status} /> {detail.data.reason ?? ''},
            received {detail.data.receiveCount} time(s)
          </p>
          {page.canWrite ? (
            <p>
              <button type="button" onClick={() => void replay.run()} disabled={replay.busy}>
                Replay
              </button>
              {replayed ? <span role="status"> Replayed: {replayed}</span> : null}
            </p>
          ) : null}
          <ErrorText error={replay.error} />
          <h4>Body</h4>
          <PrettyJson value={parsed} label="Event body" />
          <h4>Effects</h4>
          <PrettyJson value={detail.data.effects ?? null} label="Effects" />
        </>
      ) : null}
    </Panel>
  );
}
