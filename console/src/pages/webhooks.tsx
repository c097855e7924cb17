import { useState } from 'preact/hooks';
import { usePage } from '../context';
import type { EndpointView } from '../types';
import { ErrorText, Loading, Section, useLoad } from '../ui';
import { DeliveryLog } from './delivery-log';
import { EndpointForm } from './endpoint-form';
import { EndpointPage } from './endpoint';
import { EndpointsPage, loadEndpoints } from './endpoints';

/** The webhooks pages by route (`webhooks`, `webhooks/new`, `webhooks/<id>`, `webhooks/<id>/edit`). */
export function WebhooksRoutes({ parts }: { parts: readonly string[] }) {
  const [, id, action] = parts;
  if (id === 'new') return <EndpointForm />;
  if (id && action === 'edit') return <EditEndpoint endpointId={id} />;
  if (id) return <EndpointPage endpointId={id} />;
  return <EndpointsPage />;
}

function EditEndpoint({ endpointId }: { endpointId: string }) {
  const page = usePage();
  const loaded = useLoad(() => page.api.request<EndpointView>('GET', page.paths.endpoint(endpointId)), [endpointId]);
  if (loaded.error) return <ErrorText error={loaded.error} />;
  return loaded.data ? <EndpointForm endpoint={loaded.data} /> : <Loading what="the endpoint" />;
}

/** The delivery log of the endpoint picked here (the first one until another is picked). */
export function DeliveriesPage() {
  const page = usePage();
  const loaded = useLoad(() => loadEndpoints(page), [page.owner.id]);
  const [selected, setSelected] = useState('');
  const endpoints = loaded.data?.endpoints ?? [];
  const endpoint = endpoints.find((e) => e.id === selected) ?? endpoints[0];
  return (
    <>
      <Section title="Endpoint">
        <ErrorText error={loaded.error} />
        {loaded.loading && !loaded.data ? <Loading what="endpoints" /> : null}
        {loaded.data && endpoints.length === 0 ? <p class="muted">No endpoints yet.</p> : null}
        {endpoints.length > 0 ? (
          <>
            <label for="log-endpoint">Delivery log of</label>{' '}
            <select id="log-endpoint" value={endpoint?.id} onChange={(e) => setSelected(e.currentTarget.value)}>
              {endpoints.map((e) => (
                <option key={e.id} value={e.id}>
                  {e.url}
                </option>
              ))}
            </select>
          </>
        ) : null}
      </Section>
      {endpoint ? <DeliveryLog endpoint={endpoint} /> : null}
    </>
  );
}
