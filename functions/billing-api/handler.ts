import { createDocumentClient } from '../../shared/platform/aws/dynamodb-client';
import { createBillingStore } from '../../shared/billing/billing-store';
import { loadApiConfig } from '../../shared/platform/config';
import { createObservability } from '../../shared/platform/observability';
import { createAlertReader } from '../../shared/platform/alerts';
import { createApiHandler } from './billing-api';

const config = loadApiConfig();
const observability = createObservability('billing-api');
const documents = createDocumentClient();

export const handler = createApiHandler({
  billing: createBillingStore(documents, config.billingTable),
  alerts: createAlertReader(documents, config.opsTable),
  observability,
});
