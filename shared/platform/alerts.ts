import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { createSnsClient } from './aws/sns-client';
import { getItem, putItemIfAbsent, queryPage, updateItem, type TableContext } from './aws/table';
import { METRIC_NAMES } from './metric-names';
import { OPS_ALERTS_PREFIX } from './topology';

/**
 * Ops alerts: stored in the ops table (what the API and the local runtime read), logged, and
 * published to the ops SNS topic when one is configured. An alert's id is derived from what caused
 * it, so raising the same alert again (a redelivered event) neither stores nor publishes twice; an
 * alert stored but not yet published (a crash in between) is published on the next attempt.
 */

export type AlertKind =
  | 'payment_failed'
  | 'org_unresolved'
  | 'unknown_plan'
  | 'endpoint_disabled'
  | 'oauth_token_lapsing'
  | 'connection_revoked'
  | 'shopify_compliance_request';

export interface OpsAlert {
  readonly id: string;
  readonly orgId: string | null;
  readonly kind: AlertKind;
  readonly severity: 'warning' | 'critical';
  readonly message: string;
  readonly at: string;
  readonly source: string;
  readonly details: Readonly<Record<string, string | number | null>>;
}

export interface AlertSink {
  raise(alert: OpsAlert): Promise<'raised' | 'duplicate'>;
}

export interface AlertReader {
  list(
    orgId: string,
    options: { limit: number; cursor?: string },
  ): Promise<{ items: OpsAlert[]; nextCursor: string | null }>;
}

export interface AlertSinkOptions {
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly retentionDays: number;
  readonly logger: Logger;
  /** Counts every alert raised (not its repeats) under `OpsAlertRaised`. */
  readonly metrics?: Metrics;
  readonly sns?: { readonly client: SNSClient; readonly topicArn: string };
}

const UNRESOLVED_ORG = '_unresolved';
const partitionOf = (orgId: string | null): string => `${OPS_ALERTS_PREFIX}${orgId ?? UNRESOLVED_ORG}`;

export function createAlertSink(options: AlertSinkOptions): AlertSink {
  const { logger, sns } = options;
  const table: TableContext = { documents: options.documents, tableName: options.tableName };

  async function publish(alert: OpsAlert, key: Record<string, string>): Promise<void> {
    if (sns) {
      await sns.client.send(
        new PublishCommand({
          TopicArn: sns.topicArn,
          Subject: `[${alert.severity}] ${alert.kind}`.slice(0, 100),
          Message: JSON.stringify(alert),
          MessageAttributes: { kind: { DataType: 'String', StringValue: alert.kind } },
        }),
      );
    }
    await updateItem(table, key, { expression: 'SET published = :true', values: { ':true': true } });
  }

  return {
    async raise(alert) {
      const key = { pk: partitionOf(alert.orgId), sk: `${alert.at}#${alert.id}` };
      const expiresAt = Math.floor(Date.parse(alert.at) / 1000) + options.retentionDays * 86_400;
      if (!(await putItemIfAbsent(table, { ...key, ...alert, published: false, expiresAt }))) {
        const existing = await getItem<{ published?: boolean }>(table, key);
        if (existing?.published === true) return 'duplicate';
      }
      logger.warn('Ops alert', { alert });
      await publish(alert, key);
      options.metrics?.addMetric(METRIC_NAMES.billingConsumer.opsAlertRaised, MetricUnit.Count, 1);
      return 'raised';
    },
  };
}

export function createAlertReader(documents: DynamoDBDocumentClient, tableName: string): AlertReader {
  return {
    async list(orgId, { limit, cursor }) {
      const pk = partitionOf(orgId);
      const page = await queryPage<OpsAlert>(
        { documents, tableName },
        { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ScanIndexForward: false },
        { limit, cursor, partitionKey: pk },
      );
      // The alert's own fields: the stored item also carries `published` and its TTL.
      const items = page.items.map(({ id, orgId: itemOrg, kind, severity, message, at, source, details }) => ({
        id,
        orgId: itemOrg,
        kind,
        severity,
        message,
        at,
        source,
        details,
      }));
      return { items, nextCursor: page.nextCursor };
    },
  };
}

/** The alert sink a function's configuration describes: the ops table, and SNS when a topic is set. */
export function alertSinkFor(
  config: { readonly opsTable: string; readonly opsTopicArn: string | undefined; readonly alertRetentionDays: number },
  documents: DynamoDBDocumentClient,
  observability: { readonly logger: Logger; readonly metrics: Metrics },
): AlertSink {
  return createAlertSink({
    documents,
    tableName: config.opsTable,
    retentionDays: config.alertRetentionDays,
    logger: observability.logger,
    metrics: observability.metrics,
    ...(config.opsTopicArn && { sns: { client: createSnsClient(), topicArn: config.opsTopicArn } }),
  });
}
