/**
 * The agent page the dialer server serves at `/`: one `<telnyx-dialer>` talking to the
 * page's own origin. The page adds only what a full-page softphone needs: the tab title
 * shows the call state (agents keep other tabs in front), and leaving the page during a
 * call asks first.
 *
 * @module
 */
import './telnyx-dialer/telnyx-dialer.ts';
import type { UiCallState } from './telnyx-dialer/state.ts';

const TITLES: Record<UiCallState, string> = {
  idle: 'Dialer',
  dialing: '… Calling · Dialer',
  ringing: '☎ Incoming call · Dialer',
  active: '● On call · Dialer',
  held: '‖ On hold · Dialer',
  ending: 'Dialer',
};

let callState: UiCallState = 'idle';

document.addEventListener('dialer-call-state', (event) => {
  callState = event.detail.state;
  document.title = TITLES[callState];
});

window.addEventListener('beforeunload', (event) => {
  if (callState === 'idle' || callState === 'ending') return;
  event.preventDefault();
});
