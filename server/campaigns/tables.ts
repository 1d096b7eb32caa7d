/**
 * Row types of the campaigns feature's tables (created by
 * `server/db/migrations/0006-campaigns.ts`, pacing added by `0007-pacing.ts`). Other
 * features reach campaigns through this folder's functions, never through these tables.
 *
 * JSON columns are written as JSON text (`ColumnType<T, string, string>`): both database
 * drivers then send the same thing, and a jsonb value is always parsed on the way out.
 *
 * @module
 */
import type { ColumnType, Generated, Selectable } from 'kysely';
import type { PacingSettings } from '../pacing/index.ts';

export const CAMPAIGN_STATUSES = ['draft', 'running', 'paused', 'stopped'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/**
 * `manual`: agents dial by hand inside the campaign; `preview`: the agent sees the lead,
 * then dials; `progressive`: customer first, one call per ready agent (`progressive.ts`);
 * `power`: customer first, `linesPerAgent` calls per free agent; `predictive`: customer
 * first, as many calls as the abandon budget allows (both `paced-dialer.ts`).
 */
export const CAMPAIGN_MODES = ['manual', 'preview', 'progressive', 'power', 'predictive'] as const;
export type CampaignMode = (typeof CAMPAIGN_MODES)[number];

/** Modes whose calls a pacing controller launches with no agent reserved: a person is routed to whoever is free. */
export const PACED_MODES = ['power', 'predictive'] as const satisfies readonly CampaignMode[];
export type PacedMode = (typeof PACED_MODES)[number];

/** Modes that call the customer first (flow 3) and can therefore abandon a person: they need a safe-harbor message. */
export const CUSTOMER_FIRST_MODES = ['progressive', ...PACED_MODES] as const satisfies readonly CampaignMode[];
export type CustomerFirstMode = (typeof CUSTOMER_FIRST_MODES)[number];

export function isPacedMode(mode: string | null | undefined): mode is PacedMode {
  return (PACED_MODES as readonly string[]).includes(mode ?? '');
}

export function isCustomerFirstMode(mode: string | null | undefined): mode is CustomerFirstMode {
  return (CUSTOMER_FIRST_MODES as readonly string[]).includes(mode ?? '');
}

/** A campaign's pacing settings as stored: the controller's settings without `mode` (the campaign's own). */
export type CampaignPacing = Omit<PacingSettings, 'mode'>;

/** Country compliance profiles (`server/compliance/profiles.ts`). */
export const PROFILES = ['US', 'CA', 'UK'] as const;
export type ProfileName = (typeof PROFILES)[number];

export const DISPOSITION_KINDS = ['final', 'retry', 'callback', 'dnc'] as const;
export type DispositionKind = (typeof DISPOSITION_KINDS)[number];

export interface Disposition {
  /** Stable machine code, `[a-z0-9_]`, unique in the campaign; stored on the attempt. */
  code: string;
  label: string;
  /** What the disposition does to the lead (see `dispositions.ts`). */
  kind: DispositionKind;
}

/** Minutes to wait before the next attempt, per call-progress outcome. */
export interface RetryDelays {
  busy: number;
  no_answer: number;
  machine: number;
}

/** Answering-machine detection of customer-first calls (progressive); ignored in preview. */
export interface AmdSettings {
  enabled: boolean;
  /** `async`: the person is connected at the answer, a machine is taken off the agent when the result comes; `sync`: the answer waits for the result. */
  mode: 'async' | 'sync';
  detection: 'Enable' | 'DetectMessageEnd';
}

/** What a machine hears (progressive, leads with recorded consent only). */
export interface VoicemailSettings {
  text?: string;
  audioUrl?: string;
}

/** The identification message with key-press opt-out played on an abandoned call. */
export interface SafeHarbor {
  companyName: string;
  /** E.164, answered during business hours and accepting DNC requests. */
  callbackNumber: string;
  /** The key that puts the number on the internal DNC, one of 0–9. */
  optOutDigit: string;
}

type Json<T> = ColumnType<T, string, string>;

export interface CampaignsTable {
  /** UUID. */
  id: string;
  name: string;
  status: CampaignStatus;
  mode: CampaignMode;
  profile: ProfileName;
  /** E.164; must be one of DIALER_CALLER_IDS to start. */
  caller_id: string;
  /** Seconds the customer rings; never under the profile's floor (15 s). */
  ring_timeout_s: number;
  max_attempts: number;
  retry_delays: Json<RetryDelays>;
  amd: Json<AmdSettings>;
  voicemail: Json<VoicemailSettings>;
  safe_harbor: ColumnType<SafeHarbor | null, string | null, string | null>;
  /** Plain text with `{{lead.firstName}}`, `{{lead.fields.x}}` placeholders. */
  script: string;
  dispositions: Json<Disposition[]>;
  /** Wrap-up of the campaign's agents after each call, seconds (0 = none). */
  wrap_up_s: number;
  /** Preview: seconds before the softphone dials the offered lead on its own; null = never. */
  preview_timeout_s: number | null;
  /** Power and predictive pacing (migration 0007); kept, unused, in other modes. */
  pacing: Json<CampaignPacing>;
  created_at: ColumnType<Date, Date, never>;
  updated_at: Date;
}

/** Which campaign an agent works in: at most one (the agent id is the key). */
export interface CampaignAgentsTable {
  agent_id: string;
  campaign_id: string;
  joined_at: Date;
}

export type CampaignChangeAction = 'create' | 'update' | 'start' | 'pause' | 'stop';

/** Append-only: every change of a campaign's settings or status, who made it and when. */
export interface CampaignChangesTable {
  id: Generated<number>;
  campaign_id: ColumnType<string, string, never>;
  action: ColumnType<CampaignChangeAction, CampaignChangeAction, never>;
  /** User id (or `admin-token`). */
  changed_by: ColumnType<string, string, never>;
  changed_at: ColumnType<Date, Date, never>;
  /** The campaign's API view before (null for `create`) and after. */
  before: ColumnType<Record<string, unknown> | null, string | null, never>;
  after: ColumnType<Record<string, unknown>, string, never>;
}

/** A lead an agent skipped in preview: not offered to that agent again for a while. */
export interface LeadSkipsTable {
  id: Generated<number>;
  lead_id: ColumnType<string, string, never>;
  campaign_id: ColumnType<string, string, never>;
  agent_id: ColumnType<string, string, never>;
  reason: ColumnType<string | null, string | null, never>;
  skipped_at: ColumnType<Date, Date, never>;
}

export interface CampaignsTables {
  campaigns: CampaignsTable;
  campaign_agents: CampaignAgentsTable;
  campaign_changes: CampaignChangesTable;
  lead_skips: LeadSkipsTable;
}

export type CampaignRow = Selectable<CampaignsTable>;

// The column migration 0006 adds to the leads feature's table, typed where it is owned.
declare module './leads/tables.ts' {
  interface LeadsTable {
    /** The agent who promised a callback (scope `agent`); null: anyone may call back. */
    callback_agent_id: ColumnType<string | null, string | null | undefined, string | null>;
  }
}

// The columns migration 0007 adds to the calls feature's attempt log, typed where they are used.
declare module '../calls/tables.ts' {
  interface AttemptsTable {
    /** When the call was abandoned (the safe-harbor message chosen, `progressive-answer.ts`). */
    abandoned_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
    /** When the agent connected to the call was free again (talk and wrap-up over; `paced-feed.ts`). */
    agent_released_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  }
}
export type CampaignChangeRow = Selectable<CampaignChangesTable>;
