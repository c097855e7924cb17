import { usePage } from '../context';
import { ErrorText, Loading, Section, StatusBadge, useLoad, when } from '../ui';

/** The organisation's audit log (billing changes) and, for admins, its operational alerts. */

interface AuditEntry {
  id: string;
  type: string;
  at: string;
  source: string;
  summary: string;
}

interface Alert {
  id: string;
  kind: string;
  severity: string;
  message: string;
  at: string;
}

export function AuditPage() {
  const page = usePage();
  const org = encodeURIComponent(page.owner.id);
  const audit = useLoad(
    () => page.api.request<{ items: AuditEntry[] }>('GET', `/v1/orgs/${org}/audit?limit=100`),
    [org],
  );
  const alerts = useLoad(
    () =>
      page.canWrite
        ? page.api.request<{ items: Alert[] }>('GET', `/v1/orgs/${org}/alerts?limit=100`)
        : Promise.resolve(null),
    [org, page.canWrite],
  );
  return (
    <>
      <Section title="Alerts">
        {!page.canWrite ? <p class="muted">Alerts are shown to admins.</p> : null}
        <ErrorText error={alerts.error} />
        {alerts.data && alerts.data.items.length === 0 ? <p class="muted">No alerts.</p> : null}
        <ul>
          {(alerts.data?.items ?? []).map((alert) => (
            <li key={alert.id}>
              <StatusBadge status={alert.severity} /> {when(alert.at)} {alert.kind}: {alert.message}
            </li>
          ))}
        </ul>
      </Section>
      <Section title="Audit log">
        <ErrorText error={audit.error} />
        {audit.loading && !audit.data ? <Loading what="the audit log" /> : null}
        {audit.data && audit.data.items.length === 0 ? <p class="muted">Nothing recorded yet.</p> : null}
        <ul>
          {(audit.data?.items ?? []).map((entry) => (
            <li key={entry.id}>
              {when(entry.at)} <code>{entry.type}</code> ({entry.source}): {entry.summary}
            </li>
          ))}
        </ul>
      </Section>
    </>
  );
}
