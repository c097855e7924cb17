import { useState } from 'preact/hooks';
import { usePage } from '../context';
import { Link } from '../nav';
import { stateOf, type AttemptView, type EndpointView, type StatsView } from '../types';
import {
  ErrorText,
  HealthBadge,
  ActionForm,
  Loading,
  SecretOnce,
  Section,
  StatusBadge,
  useAction,
  useLoad,
  when,
} from '../ui';
import { DeliveryLog } from './delivery-log';
import { EndpointCharts } from './charts';
import { RecoverWindow } from './recover';

/** One endpoint: its settings and state, Send test, rotation, enable/disable, its log and health. */

const GRACE_PERIODS: readonly { seconds: number; label: string }[] = [
  { seconds: 0, label: 'none (old secret stops now)' },
  { seconds: 3_600, label: '1 hour' },
  { seconds: 86_400, label: '24 hours' },
  { seconds: 259_200, label: '3 days' },
];

export function EndpointPage({ endpointId }: { endpointId: string }) {
  const page = usePage();
  const loaded = useLoad(
    () =>
      Promise.all([
        page.api.request<EndpointView>('GET', page.paths.endpoint(endpointId)),
        page.api.request<StatsView>('GET', `${page.paths.stats(endpointId)}?window=24h`).catch(() => undefined),
      ]),
    [endpointId],
  );
  if (loaded.error) return <ErrorText error={loaded.error} />;
  if (!loaded.data) return <Loading what="the endpoint" />;
  const [endpoint, stats] = loaded.data;
  return (
    <>
      <Section title="Endpoint">
        <p class="endpoint-url">
          <code>{endpoint.url}</code> <HealthBadge state={stateOf(stats, endpoint)} />
        </p>
        {endpoint.description ? <p>{endpoint.description}</p> : null}
        <dl class="facts">
          <dt>Event types</dt>
          <dd>{endpoint.eventTypes.join(', ')}</dd>
          <dt>Rate limit</dt>
          <dd>{endpoint.rateLimitPerSecond ? `${endpoint.rateLimitPerSecond}/s` : 'none'}</dd>
          <dt>Last success</dt>
          <dd>{when(endpoint.lastSuccessAt)}</dd>
          <dt>Last failure</dt>
          <dd>{when(endpoint.lastFailureAt)}</dd>
          {endpoint.disabledReason ? (
            <>
              <dt>Disabled because</dt>
              <dd>{endpoint.disabledReason}</dd>
            </>
          ) : null}
        </dl>
        {page.canWrite ? <EndpointActions endpoint={endpoint} onChange={loaded.reload} /> : null}
      </Section>
      {page.canWrite && page.paths.test(endpoint.id) ? <SendTest endpoint={endpoint} onSent={loaded.reload} /> : null}
      {page.canWrite ? <RotateSecret endpoint={endpoint} /> : null}
      <DeliveryLog endpoint={endpoint} />
      {page.canWrite ? <RecoverWindow endpoint={endpoint} /> : null}
      <EndpointCharts endpoint={endpoint} />
    </>
  );
}

function EndpointActions({ endpoint, onChange }: { endpoint: EndpointView; onChange: () => void }) {
  const page = usePage();
  const toggle = useAction(async () => {
    const target = page.paths.update(endpoint.id);
    await page.api.request(target.method, target.path, { enabled: !endpoint.enabled });
    onChange();
  });
  return (
    <div class="actions">
      <Link to={`/webhooks/${endpoint.id}/edit`} class="button">
        Edit
      </Link>
      {page.paths.kind === 'org' ? (
        <button type="button" onClick={() => void toggle.run()} disabled={toggle.busy} aria-describedby="toggle-error">
          {endpoint.enabled ? 'Disable' : 'Enable'}
        </button>
      ) : null}
      <ErrorText error={toggle.error} id="toggle-error" />
    </div>
  );
}

function SendTest({ endpoint, onSent }: { endpoint: EndpointView; onSent: () => void }) {
  const page = usePage();
  const [eventType, setEventType] = useState('');
  const [result, setResult] = useState<AttemptView | null>(null);
  const send = useAction(async () => {
    const answer = await page.api.request<{ attempt: AttemptView }>(
      'POST',
      page.paths.test(endpoint.id) ?? '',
      eventType ? { eventType } : {},
    );
    setResult(answer.attempt);
    onSent();
  });
  return (
    <Section title="Send test">
      <ActionForm action={send} label="Send test" errorId="test-error">
        <label for="test-type">Event type</label>
        <select id="test-type" value={eventType} onChange={(e) => setEventType(e.currentTarget.value)}>
          <option value="">webhook.test (default)</option>
          {endpoint.eventTypes
            .filter((type) => !type.includes('*'))
            .map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
        </select>
      </ActionForm>
      {result ? (
        <p data-testid="test-result" role="status">
          Test {result.messageId}: <StatusBadge status={result.status} />{' '}
          {result.statusCode !== null ? `HTTP ${result.statusCode}` : (result.error?.message ?? '')} in{' '}
          {result.durationMs ?? '?'} ms
        </p>
      ) : null}
    </Section>
  );
}

function RotateSecret({ endpoint }: { endpoint: EndpointView }) {
  const page = usePage();
  const [grace, setGrace] = useState('86400');
  const [rotated, setRotated] = useState<{ secret: string; previousSecretsExpireAt: string } | null>(null);
  const rotate = useAction(async () => {
    setRotated(await page.api.request('POST', page.paths.rotate(endpoint.id), { gracePeriodSeconds: Number(grace) }));
  });
  return (
    <Section title="Signing secret">
      <ActionForm action={rotate} label="Rotate secret" errorId="rotate-error">
        <label for="grace">Keep the old secret signing for</label>
        <select id="grace" value={grace} onChange={(e) => setGrace(e.currentTarget.value)}>
          {GRACE_PERIODS.map((period) => (
            <option key={period.seconds} value={String(period.seconds)}>
              {period.label}
            </option>
          ))}
        </select>
      </ActionForm>
      {rotated ? (
        <>
          <SecretOnce secret={rotated.secret} label="New signing secret" />
          <p class="muted">Previous secrets keep signing until {when(rotated.previousSecretsExpireAt)}.</p>
        </>
      ) : null}
    </Section>
  );
}
