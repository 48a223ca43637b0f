export {
  type ClientOptions,
  type PlaceOrderOptions,
  PortcullisClient,
  type StreamOptions,
} from './client.ts';
export {
  ApprovalRequiredError,
  ConflictError,
  type ErrorInit,
  errorFromResponse,
  ForbiddenError,
  NetworkError,
  NotFoundError,
  PortcullisError,
  RateLimitedError,
  ReplayedRequestError,
  RiskRejectedError,
  ServerError,
  StepUpRequiredError,
  TimestampOutOfWindowError,
  UnauthenticatedError,
  ValidationError,
} from './errors.ts';
export {
  canonicalString,
  createEd25519Signer,
  createEd25519SignerFromSeed,
  createHmacSigner,
  newNonce,
  type SignedHeaders,
  type Signer,
  type SignInput,
} from './signer.ts';
export { readSse, type SseEvent, SseParser } from './sse.ts';
export type { Reply, RequestSpec, RetryOptions, TransportOptions } from './transport.ts';
export type * from './types.ts';
