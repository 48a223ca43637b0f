export { AppError, appError } from './app-error.ts';
export { ERROR_CODES, type ErrorCode, isErrorCode } from './codes.ts';
