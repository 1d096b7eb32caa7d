/**
 * The campaign bar (the picker, or the campaign's name, mode and Leave) and the lead panel
 * (who, their local time, their record, the script, and in preview mode Dial / Skip with
 * the auto-dial countdown). Stateless: plain data in, callbacks out.
 *
 * Lead data and the script come from outside (a CSV import, an operator's template), so
 * they are only ever interpolated as text: Lit escapes every `${…}` in a text position.
 *
 * @module
 */
import { html, nothing, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import type { Campaign, CampaignMode, CampaignSummary, Lead, LeadFieldValue } from './campaign-api.ts';

export const MODE_LABELS: Record<CampaignMode, string> = { manual: 'Manual', preview: 'Preview', progressive: 'Progressive' };

export function leadName(lead: Lead): string {
  return `${lead.firstName ?? ''} ${lead.lastName ?? ''}`.trim() || lead.phone;
}

/**
 * The lead's local time: the instant `localTime` in the lead's first zone, e.g.
 * `Mon 2:05 PM CST`. Without a zone, the wall clock and offset written in `localTime`.
 */
export function formatLeadTime(localTime: string, timeZones: readonly string[], locale?: string): string {
  const date = new Date(localTime);
  const zone = timeZones[0];
  if (Number.isNaN(date.getTime())) return localTime;
  if (zone) {
    try {
      return new Intl.DateTimeFormat(locale, { weekday: 'short', hour: 'numeric', minute: '2-digit', timeZone: zone, timeZoneName: 'short' }).format(date);
    } catch {
      // An unknown zone name: fall through to the offset the server wrote.
    }
  }
  const wall = /T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(localTime);
  if (!wall) return localTime;
  const offset = wall[3] === 'Z' || !wall[3] ? 'UTC' : `UTC${wall[3]}`;
  return `${wall[1]}:${wall[2]} (${offset})`;
}

export function fieldText(value: LeadFieldValue): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  return String(value);
}

export interface CampaignBarOptions {
  supported: boolean;
  campaign: Campaign | null;
  running: CampaignSummary[];
  pickedId: string;
  /** A request is in flight: the bar's buttons wait. */
  busy: boolean;
  /** Leaving is refused while a campaign call or its disposition is unfinished. */
  canLeave: boolean;
  /** Preview mode with no lead on screen: offer "Next lead". */
  canAskNext: boolean;
  /** Preview: why there is no lead (204), e.g. "No lead is ready; trying again in 30 s". */
  waiting: string;
  /** Announced politely (an offered lead). */
  announcement: string;
  on: { pick: (id: string) => void; join: () => void; leave: () => void; next: () => void; refresh: () => void };
}

export function campaignBarTemplate(opts: CampaignBarOptions): TemplateResult | typeof nothing {
  if (!opts.supported) return nothing;
  const { campaign, on } = opts;
  const live_ = html`<p class="dialer__visually-hidden" role="status" aria-live="polite">${opts.announcement}</p>`;
  if (!campaign) {
    const none = opts.running.length === 0;
    return html`<section part="campaign" class="dialer__campaign" aria-label="Campaign">
      <label class="dialer__field">
        Campaign
        <select part="campaign-select" ?disabled=${none || opts.busy} @change=${(e: Event) => on.pick((e.target as HTMLSelectElement).value)}>
          ${none ? html`<option value="">No running campaign</option>` : nothing}
          ${opts.running.map(
            (c) => html`<option value=${c.id} .selected=${live(c.id === opts.pickedId)}>${c.name} (${MODE_LABELS[c.mode] ?? c.mode})</option>`,
          )}
        </select>
      </label>
      <button type="button" part="campaign-join-button" ?disabled=${none || opts.busy || !opts.pickedId} @click=${on.join}>Join</button>
      <button type="button" part="campaign-refresh-button" aria-label="Refresh campaigns" ?disabled=${opts.busy} @click=${on.refresh}>↻</button>
      ${live_}
    </section>`;
  }
  return html`<section part="campaign" class="dialer__campaign" aria-label="Campaign" data-mode=${campaign.mode}>
    <span class="dialer__campaign-name">${campaign.name}</span>
    <span class="dialer__chip" data-mode=${campaign.mode}>${MODE_LABELS[campaign.mode] ?? campaign.mode}</span>
    ${opts.canAskNext
      ? html`<button type="button" part="preview-next-button" ?disabled=${opts.busy} @click=${on.next}>Next lead</button>`
      : nothing}
    <button
      type="button"
      part="campaign-leave-button"
      title=${opts.canLeave ? '' : 'Finish the call and its disposition first.'}
      ?disabled=${opts.busy || !opts.canLeave}
      @click=${on.leave}
    >
      Leave
    </button>
    ${opts.waiting ? html`<p class="dialer__hint" role="status">${opts.waiting}</p>` : nothing} ${live_}
  </section>`;
}

export interface LeadPanelOptions {
  lead: Lead;
  script: string;
  source: 'preview' | 'offered';
  /** Preview, not yet dialled: Dial and Skip apply. */
  preview: boolean;
  /** Dial is possible now (registered, no call, nothing in flight). */
  canDial: boolean;
  busy: boolean;
  /** Seconds left before the auto-dial, when one is armed. */
  countdownS: number | undefined;
  on: { dial: () => void; skip: () => void };
}

export function leadPanelTemplate(opts: LeadPanelOptions): TemplateResult {
  const { lead, on } = opts;
  const entries = Object.entries(lead.fields ?? {});
  const zones = lead.timeZones ?? [];
  return html`<section part="lead-panel" class="dialer__panel dialer__lead" aria-labelledby="lead-name" data-source=${opts.source}>
    <h2 id="lead-name" class="dialer__lead-name">${leadName(lead)}</h2>
    <p class="dialer__lead-facts">
      <span class="dialer__lead-phone">${lead.phone}</span>
      <span class="dialer__lead-time" title=${zones.join(', ')}>Local time: ${formatLeadTime(lead.localTime, zones)}</span>
      <span class="dialer__lead-attempts">Attempts: ${lead.attempts}${lead.lastOutcome ? ` (last: ${lead.lastOutcome})` : ''}</span>
    </p>
    ${entries.length > 0
      ? html`<dl part="lead-fields" class="dialer__lead-fields">
          ${entries.map(([key, value]) => html`<div part="lead-field" data-field=${key}><dt>${key}</dt><dd>${fieldText(value)}</dd></div>`)}
        </dl>`
      : nothing}
    ${opts.script ? html`<section part="script" class="dialer__script" aria-label="Script">${opts.script}</section>` : nothing}
    ${opts.preview
      ? html`<div class="dialer__lead-actions" role="group" aria-label="Preview">
          <button type="button" part="preview-dial-button" class="dialer__button--call" ?disabled=${!opts.canDial || opts.busy} @click=${on.dial}>
            Dial
          </button>
          <button type="button" part="preview-skip-button" ?disabled=${opts.busy} @click=${on.skip}>Skip</button>
          ${opts.countdownS !== undefined
            ? html`<span part="preview-countdown" class="dialer__timer" role="timer" aria-label="Auto-dial countdown">Dialling in ${opts.countdownS} s</span>`
            : nothing}
        </div>`
      : nothing}
  </section>`;
}
