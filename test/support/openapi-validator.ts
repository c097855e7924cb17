import { Ajv2020 } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { OpenApiDocument } from '../../shared/openapi/document';

/**
 * Validates answers against the OpenAPI document: the schema of `responses[status].content[type]`
 * of the operation, resolved inside the document (so `$ref: '#/components/…'` works).
 */

const DOCUMENT_ID = 'https://betterdata.dev/openapi.json';

export interface Answer {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: unknown;
}

export function createOpenApiValidator(document: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ ...document, $id: DOCUMENT_ID });
  const pointer = (...parts: string[]) => parts.map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

  /** Problems with the answer (empty when it conforms). */
  function check(method: string, path: string, answer: Answer): string[] {
    const operation = document.paths[path]?.[method.toLowerCase()];
    if (!operation) return [`${method} ${path} is not in the document`];
    const response = operation.responses[String(answer.status)];
    if (!response)
      return [
        `${method} ${path} answered ${answer.status}, which the document does not list ` +
          `(${Object.keys(operation.responses).join(', ')})`,
      ];
    if (!response.content) return answer.body === undefined ? [] : [`${answer.status} should have no body`];
    const mediaType = (answer.contentType ?? '').split(';')[0]!.trim();
    if (!response.content[mediaType])
      return [`${answer.status} answered ${mediaType}; the document lists ${Object.keys(response.content).join(', ')}`];
    const validate = ajv.getSchema(
      `${DOCUMENT_ID}#/` +
        pointer(
          'paths',
          path,
          method.toLowerCase(),
          'responses',
          String(answer.status),
          'content',
          mediaType,
          'schema',
        ),
    );
    if (!validate) return ['schema not found'];
    if (validate(answer.body)) return [];
    return (validate.errors ?? []).map(
      (error) => `${error.instancePath || '(root)'} ${error.message ?? ''} ${JSON.stringify(error.params)}`,
    );
  }

  /** Validates any JSON value against a schema of the document, by JSON pointer (e.g. `/components/schemas/X`). */
  function checkSchema(jsonPointer: string, value: unknown): string[] {
    const validate = ajv.getSchema(`${DOCUMENT_ID}#${jsonPointer}`);
    if (!validate) return [`no schema at ${jsonPointer}`];
    return validate(value)
      ? []
      : (validate.errors ?? []).map((error) => `${error.instancePath || '(root)'} ${error.message ?? ''}`);
  }

  return { check, checkSchema };
}
