import { createDocumentClient } from '../../shared/aws/clients';
import { createBillingStore } from '../../shared/billing/billing-store';
import { loadApiConfig } from '../../shared/config';
import { createObservability } from '../../shared/observability';
import { createAlertReader } from '../../shared/ops/alerts';
import { createApiHandler } from './api';

const config = loadApiConfig();
const observability = createObservability('api');
const documents = createDocumentClient();

export const handler = createApiHandler({
  billing: createBillingStore(documents, config.billingTable),
  alerts: createAlertReader(documents, config.opsTable),
  observability,
});
