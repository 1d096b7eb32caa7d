/**
 * `requireRow`: the row named by a path parameter, or 404 `not_found` naming it.
 */
import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import { DialerError } from '../../../server/errors.ts';
import { requireRow } from '../../../server/http/require-row.ts';

const LISTS = new Map([['42', { id: '42', name: 'Spring leads' }]]);
const findList = async (id: string) => LISTS.get(id);
const withParams = (params: Record<string, string>) => ({ params }) as unknown as Request;

describe('requireRow', () => {
  it('returns the row the path parameter names', async () => {
    expect(await requireRow(withParams({ listId: '42' }), 'listId', 'list', findList)).toEqual({ id: '42', name: 'Spring leads' });
  });

  it('answers 404 not_found "No <what> <id>." when the lookup finds nothing (undefined or null)', async () => {
    const missing = requireRow(withParams({ listId: '7' }), 'listId', 'list', findList);
    await expect(missing).rejects.toBeInstanceOf(DialerError);
    await expect(missing).rejects.toMatchObject({ code: 'not_found', status: 404, message: 'No list 7.' });
    await expect(requireRow(withParams({ attemptId: 'a1' }), 'attemptId', 'call attempt', async () => null)).rejects.toMatchObject({
      code: 'not_found',
      message: 'No call attempt a1.',
    });
  });
});
