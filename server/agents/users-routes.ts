/**
 * `/api/users`: user management, admins only. (Supervisors see agents through
 * `GET /api/agents`.)
 *
 * @module
 */
import { z } from 'zod';
import { apiRoute, type ApiRouter } from '../http/api-route.ts';
import { requireRow } from '../http/require-row.ts';
import { parseBody } from '../http/validate.ts';
import { MAX_PASSWORD_LENGTH } from './passwords.ts';
import { ROLES, type UserRow } from './tables.ts';
import { createUser, getUser, listUsers, MIN_PASSWORD_LENGTH, updateUser, USERNAME_PATTERN } from './users.ts';

const password = z.string().min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`).max(MAX_PASSWORD_LENGTH);
const displayName = z.string().trim().min(1).max(100);

const createRequest = z.object({
  username: z
    .string()
    .trim()
    .toLowerCase()
    .regex(USERNAME_PATTERN, 'must be 2–64 characters: letters, digits, ".", "_" or "-"'),
  displayName: displayName.optional(),
  role: z.enum(ROLES),
  password,
});

const patchRequest = z
  .object({ displayName: displayName.optional(), role: z.enum(ROLES).optional(), password: password.optional(), disabled: z.boolean().optional() })
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), 'give at least one of displayName, role, password, disabled');

/** A user as admins see it: never the password hash. */
function userJson(user: UserRow) {
  return {
    id: user.id,
    username: user.username,
    displayName: user.display_name,
    role: user.role,
    disabled: user.disabled,
    createdAt: user.created_at,
  };
}

export function registerUsersRoutes(api: ApiRouter): void {
  const { ctx } = api;
  const now = () => new Date(ctx.scheduler.now());

  apiRoute(api, {
    method: 'get',
    path: '/users',
    roles: ['admin'],
    handler: async (_req, res) => {
      res.json({ users: (await listUsers(ctx.db)).map(userJson) });
    },
  });

  apiRoute(api, {
    method: 'post',
    path: '/users',
    roles: ['admin'],
    handler: async (req, res) => {
      const body = parseBody(createRequest, req.body);
      const user = await createUser(ctx.db, { ...body, displayName: body.displayName ?? body.username, now: now() });
      res.status(201).json({ user: userJson(user) });
    },
  });

  apiRoute(api, {
    method: 'patch',
    path: '/users/:id',
    roles: ['admin'],
    handler: async (req, res) => {
      const patch = parseBody(patchRequest, req.body);
      const current = await requireRow(req, 'id', 'user', (id) => getUser(ctx.db, id));
      // An agent who stops being one (disabled, or another role) is Offline first.
      const leavesAgents = current.role === 'agent' && (patch.disabled === true || (patch.role !== undefined && patch.role !== 'agent'));
      if (leavesAgents) await ctx.presence.applyQuietly(current.id, { type: 'logout' });
      const user = await updateUser(ctx.db, current.id, patch, now());
      res.json({ user: userJson(user) });
    },
  });
}
