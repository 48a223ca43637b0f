import { AppError } from '../errors/index.ts';
import type { Refusal } from './codes.ts';

/** A pure check's refusal as the public error (its `internal` facts stay out of the answer). */
export function refusalError(refusal: Refusal): AppError {
  return new AppError(refusal.code, { details: refusal.details });
}
