import { createDocumentClient } from '../../shared/aws/clients';
import { createCatalogStore } from '../../shared/catalog/catalog-store';
import { loadCatalogApiConfig } from '../../shared/config';
import { createObservability } from '../../shared/observability';
import { createCatalogApiHandler } from './catalog-api';

const config = loadCatalogApiConfig();

export const handler = createCatalogApiHandler({
  store: createCatalogStore(createDocumentClient(), config.catalogTable),
  now: () => new Date(),
  observability: createObservability('catalog-api'),
});
