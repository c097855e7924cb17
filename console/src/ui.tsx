import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError } from './api';

/** Small pieces every page uses: loading data, showing an API's words, a secret shown once, badges. */

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: ApiError | Error | undefined;
  readonly loading: boolean;
  reload(): void;
}

export function useLoad<T>(load: () => Promise<T>, keys: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (data) => current && setState({ data, loading: false }),
      (error: Error) => current && setState({ error, loading: false }),
    );
    return () => {
      current = false;
    };
  }, [...keys, generation]);
  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** Runs an action, keeping its error for display next to the control that started it. */
export function useAction<A extends unknown[], T>(action: (...args: A) => Promise<T>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | undefined>();
  const run = async (...args: A): Promise<T | undefined> => {
    setBusy(true);
    setError(undefined);
    try {
      return await action(...args);
    } catch (caught) {
      setError(caught as Error);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { run, busy, error, clear: () => setError(undefined) };
}

/** An API error in words. A route this deployment lacks reads "not available" rather than "not found". */
export function ErrorText({ error, id, missing }: { error: Error | undefined; id?: string; missing?: string }) {
  if (!error) return null;
  const words =
    error instanceof ApiError && error.status === 404 && missing ? missing : error.message || 'Something went wrong';
  return (
    <p class="error" role="alert" id={id}>
      {words}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" aria-live="polite">
      Loading {what}…
    </p>
  );
}

/** A signing secret, shown this once: never stored, never put in a URL. */
export function SecretOnce({ secret, label }: { secret: string; label: string }) {
  const [copied, setCopied] = useState(false);
  const copy = () =>
    navigator.clipboard.writeText(secret).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  return (
    <div class="secret" role="region" aria-label={label}>
      <p>
        <strong>{label}</strong> — shown only now. Copy it into your receiver's configuration.
      </p>
      <code data-testid="secret">{secret}</code>{' '}
      <button type="button" onClick={copy}>
        {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  );
}

const STATE_LABELS: Record<string, string> = {
  healthy: 'Healthy',
  failing: 'Failing',
  circuit_open: 'Circuit open',
  disabled: 'Disabled',
};

export function HealthBadge({ state }: { state: string }) {
  return <span class={`badge badge-${state}`}>{STATE_LABELS[state] ?? state}</span>;
}

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge badge-${status}`}>{status.replace(/_/g, ' ')}</span>;
}

export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

export function PrettyJson({ value, label }: { value: unknown; label: string }) {
  return (
    <pre class="json" tabIndex={0} aria-label={label}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

export function Section({
  title,
  children,
  actions,
}: {
  title: string;
  children: ComponentChildren;
  actions?: ComponentChildren;
}) {
  return (
    <section class="card" aria-label={title}>
      <div class="card-head">
        <h2>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

/** A table in a keyboard-scrollable region (narrow screens scroll it sideways, not the page). */
export function DataTable(props: {
  label: string;
  columns: readonly string[];
  testId?: string;
  children: ComponentChildren;
}) {
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label={props.label}>
      <table data-testid={props.testId}>
        <thead>
          <tr>
            {props.columns.map((column) => (
              <th scope="col" key={column}>
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}

/** The 24 h / 7 d switch of the health views. */
export function WindowToggle({ value, onChange }: { value: '24h' | '7d'; onChange: (window: '24h' | '7d') => void }) {
  return (
    <div role="group" aria-label="Window" class="segmented">
      {(['24h', '7d'] as const).map((w) => (
        <button key={w} type="button" aria-pressed={w === value} onClick={() => onChange(w)}>
          {w === '24h' ? '24 h' : '7 d'}
        </button>
      ))}
    </div>
  );
}

/** A detail panel under a list (a message, an inbound event) with its title and a Close button. */
export function Panel(props: { title: string; label: string; onClose: () => void; children: ComponentChildren }) {
  return (
    <div class="panel" role="region" aria-label={props.label}>
      <div class="card-head">
        <h3>{props.title}</h3>
        <button type="button" onClick={props.onClose}>
          Close
        </button>
      </div>
      {props.children}
    </div>
  );
}

/** A list filter: a labelled select whose first choice, "all", is the empty value. */
export function FilterSelect(props: {
  id: string;
  label: string;
  value: string;
  /** Each choice as its value, or as `[value, text]` when it reads differently. */
  choices: readonly (string | readonly [string, string])[];
  onChange: (value: string) => void;
}) {
  return (
    <>
      <label for={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        <option value="">all</option>
        {props.choices.map((choice) => {
          const [value, text] = typeof choice === 'string' ? [choice, choice] : choice;
          return (
            <option key={value} value={value}>
              {text}
            </option>
          );
        })}
      </select>
    </>
  );
}

/** A one-line form (label, control, button) that runs `onSubmit` instead of navigating. */
export function InlineForm(props: { onSubmit: () => void; children: ComponentChildren }) {
  return (
    <form
      class="inline"
      onSubmit={(event) => {
        event.preventDefault();
        props.onSubmit();
      }}
    >
      {props.children}
    </form>
  );
}

/** An inline form whose one action is `action`: its button, and under the form why it failed. */
export function ActionForm(props: {
  action: { run: () => Promise<unknown>; busy: boolean; error: Error | undefined };
  label: string;
  errorId: string;
  disabled?: boolean;
  children: ComponentChildren;
}) {
  const { action } = props;
  return (
    <>
      <InlineForm onSubmit={() => void action.run()}>
        {props.children}
        <button type="submit" disabled={action.busy || props.disabled === true} aria-describedby={props.errorId}>
          {props.label}
        </button>
      </InlineForm>
      <ErrorText error={action.error} id={props.errorId} />
    </>
  );
}
