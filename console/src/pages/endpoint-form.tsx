import { useState } from 'preact/hooks';
import { ApiError } from '../api';
import { usePage } from '../context';
import { Link, useNavigate } from '../nav';
import type { EndpointView, EventTypeView } from '../types';
import { ErrorText, Loading, PrettyJson, SecretOnce, Section, useAction, useLoad } from '../ui';

/**
 * Add or edit an endpoint: URL, description, event types picked from the catalog (each with its
 * description and example payload) and an optional rate limit. The API's reasons for refusing a field
 * appear under that field; the signing secret of a new endpoint is shown once, here.
 */

interface FormState {
  url: string;
  description: string;
  eventTypes: string[];
  rateLimit: string;
}

function fromEndpoint(endpoint: EndpointView | undefined): FormState {
  return {
    url: endpoint?.url ?? '',
    description: endpoint?.description ?? '',
    eventTypes: [...(endpoint?.eventTypes ?? [])],
    rateLimit: endpoint?.rateLimitPerSecond ? String(endpoint.rateLimitPerSecond) : '',
  };
}

function requestBody(form: FormState, owner: 'org' | 'merchant'): Record<string, unknown> {
  // Only sent when set: deployments without per-endpoint rate limits refuse the field.
  const rateLimit = form.rateLimit.trim() ? { rateLimitPerSecond: Number(form.rateLimit) } : {};
  // A merchant's federation webhook has a URL (named webhookUrl) and event types, no description.
  if (owner === 'merchant') return { webhookUrl: form.url.trim(), eventTypes: form.eventTypes, ...rateLimit };
  return { url: form.url.trim(), description: form.description, eventTypes: form.eventTypes, ...rateLimit };
}

function FieldError({ error, field, id }: { error: Error | undefined; field: string; id: string }) {
  const words = error instanceof ApiError ? error.forField(field) : undefined;
  return words ? (
    <p class="error" id={id} role="alert">
      {words}
    </p>
  ) : null;
}

export function EndpointForm({ endpoint }: { endpoint?: EndpointView }) {
  const page = usePage();
  const navigate = useNavigate();
  const [form, setForm] = useState<FormState>(() => fromEndpoint(endpoint));
  const [created, setCreated] = useState<{ id: string; secret: string } | null>(null);
  const save = useAction(async () => {
    const target = endpoint ? page.paths.update(endpoint.id) : page.paths.create;
    return page.api.request<EndpointView & { secret?: string }>(
      target.method,
      target.path,
      requestBody(form, page.paths.kind),
    );
  });
  const submit = async (event: Event) => {
    event.preventDefault();
    const saved = await save.run();
    if (saved?.secret) setCreated({ id: saved.id, secret: saved.secret });
    else if (saved) navigate(`/webhooks/${saved.id}`);
  };
  if (created) return <EndpointAdded created={created} />;
  return (
    <Section title={endpoint ? 'Edit endpoint' : 'Add endpoint'}>
      <form onSubmit={submit} noValidate>
        <SaveError error={save.error} />
        <SettingsFields form={form} onChange={setForm} error={save.error} />
        <EventTypePicker
          scope={page.owner.kind}
          chosen={form.eventTypes}
          onChange={(eventTypes) => setForm({ ...form, eventTypes })}
        />
        <FieldError error={save.error} field="eventTypes" id="endpoint-types-error" />
        <div class="actions">
          <button type="submit" class="primary" disabled={save.busy}>
            {endpoint ? 'Save' : 'Add endpoint'}
          </button>
          <Link to={endpoint ? `/webhooks/${endpoint.id}` : '/webhooks'}>Cancel</Link>
        </div>
      </form>
    </Section>
  );
}

/** The new endpoint's signing secret, shown this once. */
function EndpointAdded({ created }: { created: { id: string; secret: string } }) {
  return (
    <Section title="Endpoint added">
      <SecretOnce secret={created.secret} label="Signing secret" />
      <p>
        <Link to={`/webhooks/${created.id}`}>Go to the endpoint</Link>
      </p>
    </Section>
  );
}

/** Why saving failed: the API's summary when it named fields (each shown under its field), else the error. */
function SaveError({ error }: { error: Error | undefined }) {
  if (!error) return null;
  if (error instanceof ApiError && error.fieldErrors.length > 0)
    return (
      <p class="error" role="alert">
        {error.message}
      </p>
    );
  return <ErrorText error={error} />;
}

/** URL, description (organisations' endpoints only) and rate limit, each with the API's word on it. */
function SettingsFields(props: { form: FormState; onChange: (form: FormState) => void; error: Error | undefined }) {
  const page = usePage();
  const { form, onChange, error } = props;
  return (
    <>
      <label for="endpoint-url">URL</label>
      <input
        id="endpoint-url"
        type="url"
        required
        value={form.url}
        placeholder="https://example.com/webhooks"
        aria-describedby="endpoint-url-error"
        onInput={(e) => onChange({ ...form, url: e.currentTarget.value })}
      />
      <FieldError error={error} field={page.paths.kind === 'merchant' ? 'webhookUrl' : 'url'} id="endpoint-url-error" />
      {page.paths.kind === 'org' ? (
        <>
          <label for="endpoint-description">Description</label>
          <input
            id="endpoint-description"
            value={form.description}
            maxLength={500}
            onInput={(e) => onChange({ ...form, description: e.currentTarget.value })}
          />
          <FieldError error={error} field="description" id="endpoint-description-error" />
        </>
      ) : null}
      <label for="endpoint-rate">Rate limit (deliveries per second, optional)</label>
      <input
        id="endpoint-rate"
        type="number"
        min={1}
        inputMode="numeric"
        value={form.rateLimit}
        onInput={(e) => onChange({ ...form, rateLimit: e.currentTarget.value })}
      />
      <FieldError error={error} field="rateLimitPerSecond" id="endpoint-rate-error" />
    </>
  );
}

/** The event catalog (the docs API's list) as checkboxes, each with its description and example payload. */
function EventTypePicker(props: { scope: string; chosen: readonly string[]; onChange: (types: string[]) => void }) {
  const page = usePage();
  const catalog = useLoad(() => page.api.request<{ items: EventTypeView[] }>('GET', '/v1/webhooks/event-types'), []);
  const types = (catalog.data?.items ?? []).filter((type) => type.scope === props.scope);
  const toggle = (type: string, on: boolean) =>
    props.onChange(on ? [...props.chosen, type] : props.chosen.filter((t) => t !== type));
  return (
    <fieldset aria-describedby="endpoint-types-error">
      <legend>Event types</legend>
      {catalog.loading ? <Loading what="the event catalog" /> : null}
      <ErrorText error={catalog.error} />
      {types.map((type) => (
        <div class="event-type" key={type.type}>
          <input
            type="checkbox"
            id={`type-${type.type}`}
            checked={props.chosen.includes(type.type)}
            onChange={(e) => toggle(type.type, e.currentTarget.checked)}
          />
          <label for={`type-${type.type}`}>
            <code>{type.type}</code> — {type.description}
          </label>
          <details>
            <summary>Example payload</summary>
            <PrettyJson value={type.example} label={`Example payload of ${type.type}`} />
          </details>
        </div>
      ))}
    </fieldset>
  );
}
