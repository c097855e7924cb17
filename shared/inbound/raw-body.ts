// The receivers' import path while issue 15 rewrites them; the helpers live with the HTTP plumbing.
export { header, rawBody } from '../platform/http/raw-body';
