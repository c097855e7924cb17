/**
 * The API client every page uses: JSON in and out, bearer token, and problem+json answers turned into
 * an ApiError whose words (detail, per-field messages) the page shows next to what caused them.
 */

export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fieldErrors: readonly FieldProblem[] = [],
    readonly retryAfterSeconds: number | null = null,
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }

  /** The message for one form field (`eventTypes[1]` counts for `eventTypes`). */
  forField(field: string): string | undefined {
    const matching = this.fieldErrors.filter((error) => error.field === field || error.field.startsWith(`${field}[`));
    return matching.length > 0 ? matching.map((error) => error.message).join('; ') : undefined;
  }
}

export interface Api {
  readonly baseUrl: string;
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
}

const STATUS_WORDS: Record<number, string> = {
  401: 'Your session has ended or the token was refused; sign in again.',
  403: 'You do not have permission to do this (admins only).',
  404: 'Not found.',
  429: 'Too many requests; try again shortly.',
};

async function errorFrom(response: Response): Promise<ApiError> {
  let body: Record<string, unknown> = {};
  try {
    body = (await response.json()) as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's page): the status words below still say what happened.
  }
  const retryAfter = Number(response.headers.get('retry-after'));
  const detail =
    typeof body.detail === 'string'
      ? body.detail
      : typeof body.message === 'string' && response.status !== 403
        ? body.message
        : (STATUS_WORDS[response.status] ?? `The API answered ${response.status}.`);
  const errors = Array.isArray(body.errors) ? (body.errors as FieldProblem[]) : [];
  const words = response.status === 429 && retryAfter > 0 ? `${detail} (retry in ${retryAfter} s)` : detail;
  return new ApiError(
    response.status,
    typeof body.code === 'string' ? body.code : `http_${response.status}`,
    words,
    errors,
    retryAfter > 0 ? retryAfter : null,
    body,
  );
}

export function createApi(baseUrl: string, token: () => string | null, onUnauthorized: () => void = () => {}): Api {
  return {
    baseUrl,
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
      const bearer = token();
      if (bearer) headers.authorization = `Bearer ${bearer}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      let response: Response;
      try {
        response = await fetch(`${baseUrl}${path}`, {
          method,
          headers,
          ...(body !== undefined && { body: JSON.stringify(body) }),
          credentials: 'omit',
          cache: 'no-store',
        });
      } catch {
        throw new ApiError(0, 'network_error', 'The API could not be reached (network error or CORS refused).');
      }
      if (!response.ok) {
        const error = await errorFrom(response);
        if (response.status === 401) onUnauthorized();
        throw error;
      }
      if (response.status === 204) return undefined as T;
      return (await response.json()) as T;
    },
  };
}
