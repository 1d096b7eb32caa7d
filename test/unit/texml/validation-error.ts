import { TexmlValidationError } from '../../../texml-templates/index.ts';

/** Runs `action` and returns the `TexmlValidationError` it throws; fails if it throws nothing or something else. */
export function validationErrorOf(action: () => unknown): TexmlValidationError {
  try {
    action();
  } catch (error) {
    if (error instanceof TexmlValidationError) return error;
    throw error;
  }
  throw new Error('expected a TexmlValidationError, but nothing was thrown');
}
