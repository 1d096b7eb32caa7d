/**
 * Registers `<telnyx-dialer>`. Importing this module twice (two bundles on one page) is
 * harmless: the second definition is skipped.
 *
 * @module
 */
import TelnyxDialer from './telnyx-dialer.component.ts';

export { TelnyxDialer };
export type { DialMode } from './telnyx-dialer.component.ts';
export type * from './events.ts';
export type { Campaign, CampaignMode, Disposition, DispositionKind, Lead, LeadFieldValue } from './campaign-api.ts';
export type { ClientFactory, SoftphoneCall, SoftphoneClient } from './softphone-client.ts';
export type { AgentStatus, RegistrationState, UiCallState } from './state.ts';

if (!customElements.get('telnyx-dialer')) customElements.define('telnyx-dialer', TelnyxDialer);

declare global {
  interface HTMLElementTagNameMap {
    'telnyx-dialer': TelnyxDialer;
  }
}
