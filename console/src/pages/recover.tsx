import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { usePage } from '../context';
import { instantFromLocalInput, localInputFromInstant, recoveryProgress, type RecoveryProgress } from '../recovery';
import type { EndpointView } from '../types';
import { ActionForm, ErrorText, Section, useAction } from '../ui';

/** Recover a window: re-deliver what failed in it, with a progress bar polled until the recovery ends. */

const POLL_MS = 1_000;

export function RecoverWindow({ endpoint }: { endpoint: EndpointView }) {
  const page = usePage();
  const [since, setSince] = useState(() => localInputFromInstant(new Date(Date.now() - 3_600_000)));
  const [until, setUntil] = useState('');
  const [progress, setProgress] = useState<RecoveryProgress | null>(null);
  const start = useAction(async () => {
    const sinceIso = instantFromLocalInput(since);
    const untilIso = instantFromLocalInput(until);
    const view = await page.api.request<Record<string, unknown>>('POST', page.paths.recover(endpoint.id), {
      since: sinceIso ?? since,
      ...(untilIso && { until: untilIso }),
    });
    setProgress(recoveryProgress(view));
  });
  const poll = useAction(async (id: string) => {
    setProgress(recoveryProgress(await page.api.request<Record<string, unknown>>('GET', page.paths.recovery(id))));
  });
  useEffect(() => {
    if (!progress || progress.finished || poll.error) return;
    const timer = setTimeout(() => void poll.run(progress.id), POLL_MS);
    return () => clearTimeout(timer);
  }, [progress, poll.error]);
  const active = start.error instanceof ApiError ? start.error.body.activeRecoveryId : undefined;
  return (
    <Section title="Recover a window">
      <p class="muted">Re-delivers this endpoint's failed deliveries from the window, once each.</p>
      <ActionForm
        action={start}
        label="Recover"
        errorId="recover-error"
        disabled={progress !== null && !progress.finished}
      >
        <label for="recover-since">From</label>
        <input
          id="recover-since"
          type="datetime-local"
          value={since}
          required
          onInput={(e) => setSince(e.currentTarget.value)}
        />
        <label for="recover-until">Until (empty: now)</label>
        <input
          id="recover-until"
          type="datetime-local"
          value={until}
          onInput={(e) => setUntil(e.currentTarget.value)}
        />
      </ActionForm>
      {typeof active === 'string' ? (
        <p class="muted">
          Recovery {active} is still running.{' '}
          <button type="button" class="link" onClick={() => void poll.run(active)}>
            Follow it
          </button>
        </p>
      ) : null}
      <ErrorText error={poll.error} />
      {progress ? <RecoveryBar progress={progress} /> : null}
    </Section>
  );
}

function RecoveryBar({ progress }: { progress: RecoveryProgress }) {
  const label = progress.finished
    ? progress.status === 'failed'
      ? `Recovery failed${progress.error ? `: ${progress.error}` : ''}`
      : `Done: ${progress.succeeded} delivered, ${progress.failed} failed, of ${progress.total}`
    : `Recovering… ${progress.done} of ${progress.total}`;
  return (
    <div data-testid="recovery" data-status={progress.finished ? 'done' : 'running'}>
      <progress
        max={Math.max(progress.total, 1)}
        value={progress.finished && progress.total === 0 ? 1 : progress.done}
        aria-label="Recovery progress"
      />
      <p role="status">{label}</p>
    </div>
  );
}
