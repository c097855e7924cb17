import { useEffect } from 'preact/hooks';
import { usePage } from '../context';
import { Link } from '../nav';
import { stateOf, successRate, type EndpointView, type StatsView } from '../types';
import { ErrorText, HealthBadge, Loading, Section, useLoad, DataTable } from '../ui';

/** The endpoints list: health badge and 24 h success rate for each, from one org-wide stats read. */

export interface EndpointsWithStats {
  readonly endpoints: readonly EndpointView[];
  readonly stats: ReadonlyMap<string, StatsView>;
}

export async function loadEndpoints(page: ReturnType<typeof usePage>): Promise<EndpointsWithStats> {
  const { api, paths } = page;
  if (paths.kind === 'merchant') {
    const [endpoint, stats] = await Promise.all([
      api.request<EndpointView>('GET', paths.list).catch((error: { status?: number }) => {
        if (error.status === 404) return null;
        throw error;
      }),
      api.request<StatsView>('GET', `${paths.stats('')}?window=24h`).catch(() => null),
    ]);
    return { endpoints: endpoint ? [endpoint] : [], stats: new Map(stats && endpoint ? [[endpoint.id, stats]] : []) };
  }
  const [list, stats] = await Promise.all([
    api.request<{ items: EndpointView[] }>('GET', paths.list),
    paths.orgStats
      ? api.request<{ items: StatsView[] }>('GET', `${paths.orgStats}?window=24h`).catch(() => ({ items: [] }))
      : { items: [] },
  ]);
  return { endpoints: list.items, stats: new Map(stats.items.map((item) => [item.endpointId, item])) };
}

export function EndpointsPage() {
  const page = usePage();
  const loaded = useLoad(() => loadEndpoints(page), [page.owner.id]);
  // The browser's own timing of the first useful render (read by the browser tests and the bench).
  useEffect(() => {
    if (loaded.data && performance.getEntriesByName('endpoints-rendered').length === 0)
      performance.mark('endpoints-rendered');
  }, [loaded.data]);
  const canAdd = page.canWrite && (page.paths.kind === 'org' || (loaded.data?.endpoints.length ?? 0) === 0);
  return (
    <Section
      title="Webhook endpoints"
      actions={
        canAdd ? (
          <Link to="/webhooks/new" class="button">
            Add endpoint
          </Link>
        ) : null
      }
    >
      <ErrorText error={loaded.error} />
      {loaded.loading && !loaded.data ? <Loading what="endpoints" /> : null}
      {loaded.data && loaded.data.endpoints.length === 0 ? (
        <p class="muted">No endpoints yet.{page.canWrite ? ' Add one to start receiving events.' : ''}</p>
      ) : null}
      {loaded.data && loaded.data.endpoints.length > 0 ? <EndpointTable data={loaded.data} /> : null}
    </Section>
  );
}

function EndpointTable({ data }: { data: EndpointsWithStats }) {
  return (
    <DataTable label="Endpoints" testId="endpoints" columns={['Endpoint', 'Health', '24 h success', 'Events']}>
      {data.endpoints.map((endpoint) => {
        const stats = data.stats.get(endpoint.id);
        const rate = successRate(stats);
        return (
          <tr key={endpoint.id}>
            <td>
              <Link to={`/webhooks/${endpoint.id}`}>{endpoint.url}</Link>
              {endpoint.description ? <div class="muted">{endpoint.description}</div> : null}
            </td>
            <td>
              <HealthBadge state={stateOf(stats, endpoint)} />
            </td>
            <td>{rate === null ? '—' : `${rate}%`}</td>
            <td>{endpoint.eventTypes.join(', ')}</td>
          </tr>
        );
      })}
    </DataTable>
  );
}
