import { useState } from 'preact/hooks';
import { usePage } from '../context';
import type { AttemptView, EndpointView, MessageView } from '../types';
import { ErrorText, Panel, PrettyJson, StatusBadge, useAction, useLoad, when } from '../ui';

/** A message's story: its payload, its deliveries and every attempt; admins may resend it. */

/** An attempt's result in a few words: the HTTP status, or why there was none. */
export function outcomeText(attempt: AttemptView): string {
  if (attempt.statusCode !== null) return `HTTP ${attempt.statusCode}`;
  if (attempt.error) return `${attempt.error.kind}${attempt.error.message ? `: ${attempt.error.message}` : ''}`;
  return '—';
}

export function MessagePanel({
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
