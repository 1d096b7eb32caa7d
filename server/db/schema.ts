/**
 * The database as Kysely sees it: the union of every feature's tables. Each feature owns
 * its table types in its own folder (`server/<feature>/tables.ts`) and adds them here.
 *
 * @module
 */
import type { AgentsTables } from '../agents/tables.ts';
import type { CallsTables } from '../calls/tables.ts';
import type { LeadsTables } from '../campaigns/leads/tables.ts';
import type { CampaignsTables } from '../campaigns/tables.ts';
import type { ComplianceTables } from '../compliance/tables.ts';

export interface Tables extends CallsTables, AgentsTables, LeadsTables, CampaignsTables, ComplianceTables {}
