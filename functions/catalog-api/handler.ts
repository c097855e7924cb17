import { createDocumentClient } from '../../shared/platform/aws/dynamodb-client';
import { createCatalogStore } from '../../shared/catalog/catalog-store';
import { loadCatalogApiConfig } from '../../shared/platform/config';
import { createObservability } from '../../shared/platform/observability';
import { createCatalogApiHandler } from './catalog-api';

const config = loadCatalogApiConfig();

export const handler = createCatalogApiHandler({
  store: createCatalogStore(createDocumentClient(), config.catalogTable),
  now: () => new Date(),
  observability: createObservability('catalog-api'),
});
