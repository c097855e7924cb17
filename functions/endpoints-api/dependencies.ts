import type { WebhooksApiConfig } from '../../shared/platform/config';
import type { SecretCipher } from '../../shared/platform/crypto/secret-cipher';
import type { Observability } from '../../shared/platform/observability';
import type { IpPolicy } from '../../shared/outbound/transport/ip-policy';
import type { DeliveryDependencies } from '../../shared/outbound/deliver';
import type { EndpointsStore } from '../../shared/outbound/endpoints-store';
import type { MessagesStore } from '../../shared/outbound/messages-store';
import type { RecoveriesStore } from '../../shared/outbound/recoveries-store';
import type { StatsStore } from '../../shared/outbound/stats-store';
import type { QueueSender } from '../../shared/platform/aws/queue';
import type { OperationLimiter } from '../../shared/outbound/admission/org-operations';
import type { AdmissionStore } from '../../shared/outbound/admission/admission-store';
import type { JobsStore } from '../../shared/platform/jobs/jobs-store';

/** What every route of the endpoints API is given (the organisation's and the merchant's alike). */
export interface WebhooksApiDependencies {
  readonly endpoints: EndpointsStore;
  readonly messages: MessagesStore;
  readonly cipher: SecretCipher;
  readonly stats: StatsStore;
  readonly recoveries: RecoveriesStore;
  readonly settings: Pick<
    WebhooksApiConfig,
    'allowHttp' | 'policy' | 'maxEndpointsPerOrg' | 'messageRetentionDays' | 'orgOperationsPerMinute'
  > & {
    readonly policy: IpPolicy;
    readonly jobRetentionDays: number;
  };
  /** Recoveries run as durable jobs (recovery-job.ts): stored here and queued for the job worker. */
  readonly jobs: JobsStore;
  readonly jobsQueue: QueueSender;
  readonly now: () => Date;
  readonly observability: Observability;
  /** Endpoints' admission items: their circuit state shows in stats. */
  readonly admission: Pick<AdmissionStore, 'read'>;
  /** Per-owner limits on test sends, resends and recoveries (429 past them). */
  readonly operationLimits: OperationLimiter;
  /** Test sends and resends are delivered through `deliver()` itself. */
  readonly delivery: DeliveryDependencies;
}
