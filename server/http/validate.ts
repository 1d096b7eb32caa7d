/**
 * Request validation with zod: one call per route, one error shape
 * (`validation_failed`, 422) listing every bad field by its path.
 *
 * @module
 */
import type { z } from 'zod';
import { DialerError } from '../errors.ts';

export function parseBody<Schema extends z.ZodType>(schema: Schema, body: unknown): z.infer<Schema> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const fields = result.error.issues.map((issue) => ({
    field: issue.path.join('.') || '(body)',
    message: issue.message,
  }));
  throw new DialerError('validation_failed', {
    message: `Invalid request: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`,
    details: { fields },
  });
}
