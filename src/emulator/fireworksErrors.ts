/**
 * Fireworks AI's error bodies. The control plane (`/v1/accounts/…`) answers with a grpc-gateway Status
 * `{ code: <numeric gRPC code>, message, details: [] }`; the OpenAI-compatible inference API (`/inference/v1/…`)
 * with `{ error: { object: "error", type, code, message } }` (shapes in /work/shared/reference/fireworks-rest-shapes.json,
 * `error_body`). Handlers throw `ApiError` with the HTTP status; the server picks the body by path.
 */
import { ApiError } from './errors';

/** HTTP status → numeric gRPC code (3 INVALID_ARGUMENT, 5 NOT_FOUND, 6 ALREADY_EXISTS, 7 PERMISSION_DENIED, …). */
const GRPC: Readonly<Record<number, number>> = { 400: 3, 401: 16, 403: 7, 404: 5, 409: 6, 412: 9, 413: 3, 429: 8, 500: 13, 501: 12, 503: 14 };
const GRPC_NAME: Readonly<Record<number, string>> = {
  3: 'INVALID_ARGUMENT',
  5: 'NOT_FOUND',
  6: 'ALREADY_EXISTS',
  7: 'PERMISSION_DENIED',
  8: 'RESOURCE_EXHAUSTED',
  9: 'FAILED_PRECONDITION',
  12: 'UNIMPLEMENTED',
  13: 'INTERNAL',
  14: 'UNAVAILABLE',
  16: 'UNAUTHENTICATED',
};

export function grpcCode(status: number): number {
  return GRPC[status] ?? (status >= 500 ? 13 : 2);
}

export function fireworksErrorBody(err: ApiError, inference: boolean): unknown {
  if (!inference) return { code: grpcCode(err.status), message: err.message, details: [] };
  const code = err.code ?? GRPC_NAME[grpcCode(err.status)] ?? null;
  return { error: { object: 'error', type: err.type, code, message: err.message } };
}

/** A control-plane error: `status` is the HTTP status, the body's numeric code follows from it. */
export function fwError(status: number, message: string): ApiError {
  return new ApiError(status, message, status >= 500 ? 'server_error' : 'invalid_request_error', null, GRPC_NAME[grpcCode(status)] ?? null);
}

export function fwUnauthenticated(): ApiError {
  return fwError(401, 'unauthenticated: the API key is missing or invalid (Authorization: Bearer <FIREWORKS_API_KEY>)');
}
