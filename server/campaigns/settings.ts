/**
 * A campaign's settings: the request schemas (zod), the defaults, the legal floors, and
 * the API view. Pure: no database, no clock.
 *
 * Floors are checked on every write, not only at start: a draft may be incomplete (no
 * safe-harbor message yet), but no stored value may ever sit below a legal minimum, and a
 * change to a running or paused campaign may not take away what let it start.
 *
 * @module
 */
import { z } from 'zod';
import { DialerError } from '../errors.ts';
import { DEFAULT_PACING_SETTINGS, pacingSettingsFields, pacingSettingsProblems } from '../pacing/index.ts';
import {
  CAMPAIGN_MODES,
  DISPOSITION_KINDS,
  isCustomerFirstMode,
  PROFILES,
  type AmdSettings,
  type CampaignPacing,
  type CampaignRow,
  type Disposition,
  type ProfileName,
  type RetryDelays,
  type SafeHarbor,
  type VoicemailSettings,
} from './tables.ts';

const E164 = /^\+[1-9]\d{6,14}$/;

/** Legal floor of every profile: unanswered calls ring at least 15 s (47 CFR 64.1200, Ofcom 2010). */
export const MIN_RING_TIMEOUT_S = 15;
/** TeXML `Dial@timeout` allows at most 120 s. */
export const MAX_RING_TIMEOUT_S = 120;

/** A sane starting set; every campaign must keep at least one `dnc` disposition. */
export const DEFAULT_DISPOSITIONS: readonly Disposition[] = [
  { code: 'sale', label: 'Sale', kind: 'final' },
  { code: 'not_interested', label: 'Not interested', kind: 'final' },
  { code: 'callback', label: 'Call back', kind: 'callback' },
  { code: 'no_answer', label: 'No answer', kind: 'retry' },
  { code: 'answering_machine', label: 'Answering machine', kind: 'retry' },
  { code: 'wrong_number', label: 'Wrong number', kind: 'final' },
  { code: 'do_not_call', label: 'Do not call', kind: 'dnc' },
];

/** Minutes: a busy line is tried again soon, an unanswered one later, a machine later still. */
export const DEFAULT_RETRY_DELAYS: RetryDelays = { busy: 15, no_answer: 60, machine: 240 };
export const DEFAULT_AMD: AmdSettings = { enabled: true, mode: 'async', detection: 'Enable' };

/** The pacing controller's defaults (`server/pacing/settings.ts`) without `mode`, which is the campaign's. */
export const DEFAULT_CAMPAIGN_PACING: Readonly<CampaignPacing> = Object.freeze({
  linesPerAgent: DEFAULT_PACING_SETTINGS.linesPerAgent,
  abandonTarget: DEFAULT_PACING_SETTINGS.abandonTarget,
  abandonCeiling: DEFAULT_PACING_SETTINGS.abandonCeiling,
  amdFalsePositiveEstimate: DEFAULT_PACING_SETTINGS.amdFalsePositiveEstimate,
  maxLines: DEFAULT_PACING_SETTINGS.maxLines,
});

/** Any of the pacing settings; the rest keep their stored (or default) values. */
const pacingSchema = z
  .object({
    linesPerAgent: pacingSettingsFields.linesPerAgent,
    abandonTarget: pacingSettingsFields.abandonTarget,
    abandonCeiling: pacingSettingsFields.abandonCeiling,
    amdFalsePositiveEstimate: pacingSettingsFields.amdFalsePositiveEstimate,
    maxLines: pacingSettingsFields.maxLines,
  })
  .partial()
  .strict();

/** Minutes, from 1 minute to 30 days. */
const delay = z.number().int().min(1).max(43_200);

const dispositionSchema = z.object({
  code: z.string().trim().regex(/^[a-z0-9_]{1,40}$/, 'must be 1–40 characters a–z, 0–9 or _'),
  label: z.string().trim().min(1).max(80),
  kind: z.enum(DISPOSITION_KINDS),
});

const dispositionsSchema = z
  .array(dispositionSchema)
  .min(1)
  .max(50)
  .refine((list) => new Set(list.map((d) => d.code)).size === list.length, 'codes must be unique')
  .refine((list) => list.some((d) => d.kind === 'dnc'), 'must include a disposition of kind "dnc" (DNC requests must be honoured at once)');

const safeHarborSchema = z.object({
  companyName: z.string().trim().min(1).max(100),
  callbackNumber: z.string().trim().regex(E164, 'must be an E.164 number'),
  optOutDigit: z.string().regex(/^[0-9]$/, 'must be one key, 0–9'),
});

const voicemailSchema = z
  .object({
    text: z.string().trim().min(1).max(1000).optional(),
    audioUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000).optional(),
  })
  .strict();

const amdSchema = z.object({
  enabled: z.boolean(),
  mode: z.enum(['async', 'sync']),
  detection: z.enum(['Enable', 'DetectMessageEnd']),
});

/** Every setting a client may send; all optional here (create adds the required ones). */
const fields = {
  name: z.string().trim().min(1).max(120),
  mode: z.enum(CAMPAIGN_MODES),
  profile: z.enum(PROFILES),
  callerId: z.string().trim().regex(E164, 'must be an E.164 number such as +13125550100'),
  ringTimeoutS: z.number().int().min(MIN_RING_TIMEOUT_S, `must be at least ${MIN_RING_TIMEOUT_S} s (legal floor)`).max(MAX_RING_TIMEOUT_S),
  maxAttempts: z.number().int().min(1).max(100),
  retryDelays: z.object({ busy: delay, noAnswer: delay, machine: delay }),
  amd: amdSchema,
  voicemail: voicemailSchema,
  safeHarbor: safeHarborSchema.nullable(),
  script: z.string().max(20_000),
  dispositions: dispositionsSchema,
  wrapUpS: z.number().int().min(0).max(3600),
  previewTimeoutS: z.number().int().min(5).max(600).nullable(),
  pacing: pacingSchema,
};

export const createCampaignRequest = z
  .object({ ...fields, name: fields.name, callerId: fields.callerId })
  .partial()
  .required({ name: true, callerId: true })
  .strict();
export type CreateCampaignRequest = z.infer<typeof createCampaignRequest>;

export const patchCampaignRequest = z.object(fields).partial().strict();
export type PatchCampaignRequest = z.infer<typeof patchCampaignRequest>;

/** The settings columns of a campaign, as stored (JSON columns parsed). */
export interface CampaignSettings {
  name: string;
  mode: CampaignRow['mode'];
  profile: ProfileName;
  caller_id: string;
  ring_timeout_s: number;
  max_attempts: number;
  retry_delays: RetryDelays;
  amd: AmdSettings;
  voicemail: VoicemailSettings;
  safe_harbor: SafeHarbor | null;
  script: string;
  dispositions: Disposition[];
  wrap_up_s: number;
  preview_timeout_s: number | null;
  pacing: CampaignPacing;
}

/** A new campaign's settings: the request over the defaults. */
export function settingsForCreate(request: CreateCampaignRequest, defaults: { wrapUpS: number }): CampaignSettings {
  return applyPatch(
    {
      name: request.name,
      mode: 'preview',
      profile: 'US',
      caller_id: request.callerId,
      ring_timeout_s: 25,
      max_attempts: 3,
      retry_delays: DEFAULT_RETRY_DELAYS,
      amd: DEFAULT_AMD,
      voicemail: {},
      safe_harbor: null,
      script: '',
      dispositions: [...DEFAULT_DISPOSITIONS],
      wrap_up_s: defaults.wrapUpS,
      preview_timeout_s: null,
      pacing: { ...DEFAULT_CAMPAIGN_PACING },
    },
    request,
  );
}

export function applyPatch(settings: CampaignSettings, patch: PatchCampaignRequest): CampaignSettings {
  const next = { ...settings };
  if (patch.name !== undefined) next.name = patch.name;
  if (patch.mode !== undefined) next.mode = patch.mode;
  if (patch.profile !== undefined) next.profile = patch.profile;
  if (patch.callerId !== undefined) next.caller_id = patch.callerId;
  if (patch.ringTimeoutS !== undefined) next.ring_timeout_s = patch.ringTimeoutS;
  if (patch.maxAttempts !== undefined) next.max_attempts = patch.maxAttempts;
  if (patch.retryDelays !== undefined) {
    next.retry_delays = { busy: patch.retryDelays.busy, no_answer: patch.retryDelays.noAnswer, machine: patch.retryDelays.machine };
  }
  if (patch.amd !== undefined) next.amd = patch.amd;
  if (patch.voicemail !== undefined) next.voicemail = stripUndefined(patch.voicemail);
  if (patch.safeHarbor !== undefined) next.safe_harbor = patch.safeHarbor;
  if (patch.script !== undefined) next.script = patch.script;
  if (patch.dispositions !== undefined) next.dispositions = patch.dispositions;
  if (patch.wrapUpS !== undefined) next.wrap_up_s = patch.wrapUpS;
  if (patch.previewTimeoutS !== undefined) next.preview_timeout_s = patch.previewTimeoutS;
  if (patch.pacing !== undefined) next.pacing = { ...settings.pacing, ...stripUndefined(patch.pacing) };
  return next;
}

export interface FieldProblem {
  field: string;
  message: string;
}

/** What a profile demands of every stored campaign (from `server/compliance/profiles.ts`). */
export interface ProfileFloor {
  minRingTimeoutS: number;
  /** CA: prerecorded solicitation (voicemail drop) is not allowed at all (CRTC 2014-155). */
  allowsVoicemailDrop: boolean;
  /** The profile's abandon ceiling, a fraction of live answers: `pacing.abandonCeiling` may not exceed it. */
  abandonCeiling: number;
}

/**
 * Problems with `next` as a stored campaign, and with moving to it from `before` (a
 * running or paused campaign, or null for a new one). Empty when acceptable.
 */
export function floorProblems(next: CampaignSettings, floor: ProfileFloor, before: { settings: CampaignSettings; status: CampaignRow['status'] } | null): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (next.ring_timeout_s < floor.minRingTimeoutS) {
    problems.push({ field: 'ringTimeoutS', message: `must be at least ${floor.minRingTimeoutS} s for the ${next.profile} profile (legal floor)` });
  }
  if (!floor.allowsVoicemailDrop && (next.voicemail.text !== undefined || next.voicemail.audioUrl !== undefined)) {
    problems.push({ field: 'voicemail', message: `prerecorded voicemail messages are not allowed under the ${next.profile} profile` });
  }
  if (next.pacing.abandonCeiling > floor.abandonCeiling) {
    problems.push({ field: 'pacing.abandonCeiling', message: `must be at most ${floor.abandonCeiling} (the ${next.profile} profile's ceiling)` });
  }
  for (const problem of pacingSettingsProblems({ mode: 'predictive', ...next.pacing })) problems.push({ field: `pacing.${problem.field}`, message: problem.message });
  const live = before !== null && (before.status === 'running' || before.status === 'paused');
  if (live) {
    if (next.profile !== before.settings.profile) {
      problems.push({ field: 'profile', message: 'cannot change the compliance profile of a running or paused campaign; stop it first' });
    }
    if (isCustomerFirstMode(next.mode) && next.safe_harbor === null) {
      problems.push({ field: 'safeHarbor', message: `a ${next.mode} campaign that is running or paused must keep its safe-harbor message` });
    }
  }
  return problems;
}

export function throwFieldProblems(problems: readonly FieldProblem[]): void {
  if (problems.length === 0) return;
  throw new DialerError('validation_failed', {
    message: `Invalid request: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
    details: { fields: problems },
  });
}

/** The API view of a campaign (camelCase, minutes in `retryDelays`). */
export function campaignView(row: CampaignRow) {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    mode: row.mode,
    profile: row.profile,
    callerId: row.caller_id,
    ringTimeoutS: row.ring_timeout_s,
    maxAttempts: row.max_attempts,
    retryDelays: { busy: row.retry_delays.busy, noAnswer: row.retry_delays.no_answer, machine: row.retry_delays.machine },
    amd: row.amd,
    voicemail: row.voicemail,
    safeHarbor: row.safe_harbor,
    script: row.script,
    dispositions: row.dispositions,
    wrapUpS: row.wrap_up_s,
    previewTimeoutS: row.preview_timeout_s,
    pacing: row.pacing,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
export type CampaignView = ReturnType<typeof campaignView>;

/** What an agent sees of the campaign they work in (`/api/agents/me/campaign`). */
export function agentCampaignView(row: CampaignRow) {
  return {
    id: row.id,
    name: row.name,
    mode: row.mode,
    dispositions: row.dispositions,
    wrapUpSeconds: row.wrap_up_s,
    previewTimeoutS: row.preview_timeout_s,
  };
}

export function settingsOf(row: CampaignRow): CampaignSettings {
  const { name, mode, profile, caller_id, ring_timeout_s, max_attempts, retry_delays, amd, voicemail, safe_harbor, script, dispositions, wrap_up_s, preview_timeout_s, pacing } = row;
  return { name, mode, profile, caller_id, ring_timeout_s, max_attempts, retry_delays, amd, voicemail, safe_harbor, script, dispositions, wrap_up_s, preview_timeout_s, pacing };
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
