import { useState } from 'preact/hooks';
import { ApiError } from '../api';
import { usePage } from '../context';
import { ErrorText, InlineForm, Loading, SecretOnce, Section, StatusBadge, useAction, useLoad, when } from '../ui';

/**
 * Integrations: Stripe billing, Shopify and Square connections (Connect goes through the provider's
 * OAuth approval; the API's callback returns here with `?connected=` or `?error=`), signed sources.
 */

interface Billing {
  plan: string;
  subscribedPlan?: string | null;
  status: string;
  capabilities: Record<string, unknown> | readonly string[];
  currentPeriodEnd?: string | null;
  lastPayment?: { amountPaid: number; currency: string; paidAt: string } | null;
  lastPaymentFailure?: { amountDue: number; currency: string; failedAt: string; attemptCount: number } | null;
}

interface Connection {
  shopDomain?: string;
  merchantId?: string;
  account?: string;
  state?: string;
  connectedAt?: string;
  lastSyncAt?: string | null;
  scopes?: readonly string[];
}

interface Connections {
  shopify: Connection | null;
  square: Connection | null;
  sources: readonly { sourceId: string; url: string; createdAt: string }[];
}

const money = (amount: number, currency: string) => `${(amount / 100).toFixed(2)} ${currency.toUpperCase()}`;

export function IntegrationsPage() {
  const page = usePage();
  const notice = useReturnNotice();
  return (
    <>
      {notice}
      <BillingCard />
      {page.owner.kind === 'org' ? <ConnectionsCards /> : null}
    </>
  );
}

/** The OAuth callback's verdict, read once and removed from the address. */
function useReturnNotice() {
  const [verdict] = useState(() => {
    const params = new URLSearchParams(location.search);
    const connected = params.get('connected');
    const error = params.get('error');
    if (connected || error) history.replaceState(null, '', location.pathname + location.hash);
    return { connected, error };
  });
  if (verdict.connected)
    return (
      <p class="notice" role="status">
        Connected {verdict.connected}.
      </p>
    );
  if (verdict.error)
    return (
      <p class="error" role="alert">
        The connection was not made: {verdict.error.replace(/_/g, ' ')}.
      </p>
    );
  return null;
}

function BillingCard() {
  const page = usePage();
  const billing = useLoad(
    () => page.api.request<Billing>('GET', `/v1/orgs/${encodeURIComponent(page.owner.id)}/billing`),
    [page.owner.id],
  );
  const capabilities = billing.data
    ? Array.isArray(billing.data.capabilities)
      ? billing.data.capabilities
      : Object.entries(billing.data.capabilities).map(([k, v]) => `${k}: ${String(v)}`)
    : [];
  return (
    <Section title="Stripe billing">
      {billing.error instanceof ApiError && billing.error.code === 'billing_record_not_found' ? (
        <p class="muted">No subscription yet: billing appears here once Stripe reports one.</p>
      ) : (
        <ErrorText error={billing.error} />
      )}
      {billing.loading && !billing.data ? <Loading what="billing" /> : null}
      {billing.data ? (
        <dl class="facts">
          <dt>Plan</dt>
          <dd>{billing.data.plan}</dd>
          <dt>Status</dt>
          <dd>
            <StatusBadge status={billing.data.status} />
          </dd>
          <dt>Capabilities</dt>
          <dd>{capabilities.join(', ') || '—'}</dd>
          <dt>Last payment</dt>
          <dd>
            {billing.data.lastPayment
              ? `${money(billing.data.lastPayment.amountPaid, billing.data.lastPayment.currency)} on ` +
                `${when(billing.data.lastPayment.paidAt)}`
              : '—'}
          </dd>
          <dt>Last failure</dt>
          <dd>
            {billing.data.lastPaymentFailure
              ? `${money(billing.data.lastPaymentFailure.amountDue, billing.data.lastPaymentFailure.currency)} ` +
                `on ${when(billing.data.lastPaymentFailure.failedAt)} ` +
                `(attempt ${billing.data.lastPaymentFailure.attemptCount})`
              : '—'}
          </dd>
        </dl>
      ) : null}
    </Section>
  );
}

function ConnectionsCards() {
  const page = usePage();
  const base = `/v1/orgs/${encodeURIComponent(page.owner.id)}/connections`;
  const loaded = useLoad(() => page.api.request<Connections>('GET', base), [page.owner.id]);
  return (
    <>
      <ErrorText error={loaded.error} />
      {loaded.loading && !loaded.data ? <Loading what="connections" /> : null}
      {loaded.data ? (
        <>
          <ProviderCard provider="shopify" connection={loaded.data.shopify} base={base} onChange={loaded.reload} />
          <ProviderCard provider="square" connection={loaded.data.square} base={base} onChange={loaded.reload} />
          <SourcesCard sources={loaded.data.sources} base={base} onChange={loaded.reload} />
        </>
      ) : null}
    </>
  );
}

function ProviderCard(props: {
  provider: 'shopify' | 'square';
  connection: Connection | null;
  base: string;
  onChange: () => void;
}) {
  const { provider, connection, base } = props;
  const page = usePage();
  const [shop, setShop] = useState('');
  const connect = useAction(async () => {
    const body = provider === 'shopify' ? { shop: shop.trim() } : {};
    const answer = await page.api.request<{ authorizeUrl: string }>('POST', `${base}/${provider}/authorize`, body);
    location.assign(answer.authorizeUrl);
  });
  const disconnect = useAction(async () => {
    await page.api.request('DELETE', `${base}/${provider}`);
    props.onChange();
  });
  const title = provider === 'shopify' ? 'Shopify' : 'Square';
  const account = connection?.account ?? connection?.shopDomain ?? connection?.merchantId;
  return (
    <Section title={title}>
      {connection ? (
        <dl class="facts">
          <dt>Account</dt>
          <dd>{account}</dd>
          <dt>State</dt>
          <dd>
            <StatusBadge status={connection.state ?? 'active'} />
          </dd>
          <dt>Connected</dt>
          <dd>{when(connection.connectedAt)}</dd>
          <dt>Last sync</dt>
          <dd>{when(connection.lastSyncAt)}</dd>
        </dl>
      ) : (
        <p class="muted">Not connected.</p>
      )}
      {page.canWrite ? (
        <InlineForm onSubmit={() => void (connection ? disconnect.run() : connect.run())}>
          {!connection && provider === 'shopify' ? (
            <>
              <label for="shopify-shop">Shop domain</label>
              <input
                id="shopify-shop"
                value={shop}
                placeholder="example.myshopify.com"
                onInput={(e) => setShop(e.currentTarget.value)}
              />
            </>
          ) : null}
          <button type="submit" aria-describedby={`${provider}-error`}>
            {connection ? 'Disconnect' : `Connect ${title}`}
          </button>
        </InlineForm>
      ) : null}
      <ErrorText
        error={connect.error ?? disconnect.error}
        id={`${provider}-error`}
        missing="Connecting through OAuth is not available on this deployment."
      />
    </Section>
  );
}

function SourcesCard(props: { sources: Connections['sources']; base: string; onChange: () => void }) {
  const page = usePage();
  const [sourceId, setSourceId] = useState('');
  const [shown, setShown] = useState<{ sourceId: string; secret: string } | null>(null);
  const put = useAction(async (id: string) => {
    const answer = await page.api.request<{ sourceId: string; secret: string }>(
      'PUT',
      `${props.base}/sources/${encodeURIComponent(id)}`,
    );
    setShown(answer);
    props.onChange();
  });
  return (
    <Section title="Signed sources">
      {props.sources.length === 0 ? <p class="muted">No sources.</p> : null}
      <ul>
        {props.sources.map((source) => (
          <li key={source.sourceId}>
            <code>{source.sourceId}</code> receives at <code>{source.url}</code> (since {when(source.createdAt)}){' '}
            {page.canWrite ? (
              <button type="button" onClick={() => void put.run(source.sourceId)}>
                Rotate secret of {source.sourceId}
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {page.canWrite ? (
        <InlineForm onSubmit={() => void put.run(sourceId.trim())}>
          <label for="source-id">New source id</label>
          <input
            id="source-id"
            value={sourceId}
            onInput={(e) => setSourceId(e.currentTarget.value)}
            aria-describedby="source-error"
          />
          <button type="submit">Create source</button>
        </InlineForm>
      ) : null}
      <ErrorText error={put.error} id="source-error" />
      {shown ? <SecretOnce secret={shown.secret} label={`Secret of ${shown.sourceId}`} /> : null}
    </Section>
  );
}
