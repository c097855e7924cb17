import type { Emulators } from '../../infra/local/emulators';
import { createQueueSender } from '../../shared/platform/aws/queue';
import { createJobsStore, type JobsStore } from '../../shared/platform/jobs/jobs-store';
import { ipPolicyFrom } from '../../shared/outbound/transport/ip-policy';
import { createWebhooksApiHandler } from '../../functions/endpoints-api/endpoints-api';
import { createAdmissionStore } from '../../shared/outbound/admission/admission-store';
import { createOperationLimiter } from '../../shared/outbound/admission/org-operations';
import { httpEvent } from './api-gateway';
import { recordingObservability } from './observability';
import type { DeliveryWorld } from './delivery-world';

/** The endpoints API handler in process, on a delivery world's stores, called with an org admin's claims. */
export interface WebhooksApi {
  readonly jobs: JobsStore;
  call(
    method: string,
    path: string,
    params: Record<string, string>,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
}

export function createWebhooksApi(
  emulators: Emulators,
  world: DeliveryWorld,
  options: { maxEndpointsPerOrg?: number } = {},
): WebhooksApi {
  const observability = recordingObservability();
  const jobs = createJobsStore(world.documents, emulators.tables.jobs);
  const handler = createWebhooksApiHandler({
    endpoints: world.deps.endpoints,
    messages: world.deps.messages,
    cipher: world.cipher,
    stats: world.stats,
    recoveries: world.recoveries,
    jobs,
    jobsQueue: createQueueSender(world.sqs, emulators.queues.jobs.url),
    settings: {
      allowHttp: true,
      policy: ipPolicyFrom('127.0.0.0/8'),
      maxEndpointsPerOrg: options.maxEndpointsPerOrg ?? 50,
      messageRetentionDays: 30,
      jobRetentionDays: 30,
      orgOperationsPerMinute: 1_000,
    },
    now: world.deps.now,
    observability,
    admission: createAdmissionStore(world.documents, emulators.tables.webhooks),
    operationLimits: createOperationLimiter(world.documents, emulators.tables.webhooks, 1_000, world.deps.now),
    delivery: world.deps,
  });
  return {
    jobs,
    async call(method, path, params, body) {
      const template = Object.entries(params).reduce((route, [name, value]) => route.replace(value, `{${name}}`), path);
      const result = await handler(
        httpEvent({
          method,
          path,
          routeKey: `${method} ${template}`,
          pathParameters: params,
          headers: { 'content-type': 'application/json' },
          claims: { org_id: params.orgId ?? '', role: 'admin', sub: 'test' },
          ...(body !== undefined && { body: JSON.stringify(body) }),
        }),
      );
      return {
        status: result.statusCode,
        body: result.body ? (JSON.parse(result.body) as Record<string, unknown>) : {},
      };
    },
  };
}
