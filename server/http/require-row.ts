/**
 * The lookup most `/api/…/:id` routes start with: the row named by a path parameter, or
 * 404 `not_found` with the message `No <what> <id>.`.
 *
 * @module
 */
import type { Request } from 'express';
import { DialerError } from '../errors.ts';

/**
 * `find(req.params[param])`, or a `DialerError('not_found')` when it finds nothing.
 *
 * @param what - The row's name in the message, e.g. `'list'` → `No list 42.`
 */
export async function requireRow<Row>(req: Request, param: string, what: string, find: (id: string) => Promise<Row | null | undefined>): Promise<Row> {
  const id = String(req.params[param]);
  const row = await find(id);
  if (row === null || row === undefined) throw new DialerError('not_found', { message: `No ${what} ${id}.` });
  return row;
}
