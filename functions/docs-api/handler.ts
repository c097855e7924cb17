import { createObservability } from '../../shared/platform/observability';
import { openApiDocument } from '../../shared/openapi/document';
import { createDocsApiHandler } from './docs-api';

export const handler = createDocsApiHandler({ openApiDocument, observability: createObservability('docs-api') });
