import { useState } from 'preact/hooks';
import { usePage } from '../context';
import { Link } from '../nav';
import { successRate, type EndpointView, type StatsView } from '../types';
import { ErrorText, HealthBadge, Loading, Section, useLoad, DataTable, WindowToggle } from '../ui';
import { EndpointCharts } from './charts';
import { loadEndpoints } from './endpoints';

/** The organisation-wide health table for 24 h or 7 d, and one endpoint's charts below it. */

export function HealthPage() {
  const page = usePage();
  const [window, setWindow] = useState<'24h' | '7d'>('24h');
  const endpoints = useLoad(() => loadEndpoints(page), [page.owner.id]);
  const stats = useLoad(
    () =>
      page.paths.orgStats
        ? page.api.request<{ items: StatsView[] }>('GET', `${page.paths.orgStats}?window=${window}`)
        : page.api.request<StatsView>('GET', `${page.paths.stats('')}?window=${window}`).then((s) => ({ items: [s] })),
    [page.owner.id, window],
  );
  const [selected, setSelected] = useState<string>('');
  const byId = new Map((endpoints.data?.endpoints ?? []).map((e) => [e.id, e]));
  const chosen: EndpointView | undefined = byId.get(selected) ?? endpoints.data?.endpoints[0];
  return (
    <>
      <Section title="Health" actions={<WindowToggle value={window} onChange={setWindow} />}>
        <ErrorText error={stats.error ?? endpoints.error} />
        {stats.data ? (
          <DataTable
            label="Endpoint health"
            testId="health"
            columns={['Endpoint', 'State', 'Success', 'Attempts ok / failed', 'Pending', 'p50', 'p95']}
          >
            {stats.data.items.map((item) => {
              const endpoint = byId.get(item.endpointId);
              const rate = successRate(item);
              return (
                <tr key={item.endpointId}>
                  <td>{endpoint ? <Link to={`/webhooks/${endpoint.id}`}>{endpoint.url}</Link> : item.endpointId}</td>
                  <td>
                    <HealthBadge state={typeof item.state === 'string' ? item.state : item.state.status} />
                  </td>
                  <td>{rate === null ? '—' : `${rate}%`}</td>
                  <td>
                    {item.attempts.succeeded} / {item.attempts.failed}
                  </td>
                  <td>{item.messages.pending}</td>
                  <td>{item.latencyMs.p50 === null ? '—' : `≤ ${item.latencyMs.p50} ms`}</td>
                  <td>{item.latencyMs.p95 === null ? '—' : `≤ ${item.latencyMs.p95} ms`}</td>
                </tr>
              );
            })}
          </DataTable>
        ) : (
          <Loading what="health" />
        )}
        {endpoints.data && endpoints.data.endpoints.length > 1 ? (
          <p>
            <label for="health-endpoint">Charts for</label>{' '}
            <select id="health-endpoint" value={chosen?.id} onChange={(e) => setSelected(e.currentTarget.value)}>
              {endpoints.data.endpoints.map((e) => (
                <option key={e.id} value={e.id}>
                  {e.url}
                </option>
              ))}
            </select>
          </p>
        ) : null}
      </Section>
      {chosen ? <EndpointCharts endpoint={chosen} /> : null}
    </>
  );
}
