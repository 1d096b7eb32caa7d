import { css } from 'lit';

/**
 * Theme through the `--dialer-*` custom properties on the host (or any ancestor), and
 * restyle single pieces through `::part(...)`.
 */
export default css`
  :host {
    --dialer-font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    --dialer-font-size: 14px;
    --dialer-color-text: #1c2430;
    --dialer-color-muted: #5c6675;
    --dialer-color-background: #ffffff;
    --dialer-color-surface: #f3f5f8;
    --dialer-color-border: #d5dae1;
    --dialer-color-primary: #00a37a;
    --dialer-color-primary-text: #ffffff;
    --dialer-color-danger: #d23a3a;
    --dialer-color-warning: #b76e00;
    --dialer-color-focus: #2b6cde;
    --dialer-radius: 8px;
    --dialer-spacing: 8px;
    --dialer-key-size: 48px;

    display: block;
    box-sizing: border-box;
    font-family: var(--dialer-font-family);
    font-size: var(--dialer-font-size);
    color: var(--dialer-color-text);
  }

  :host([hidden]) {
    display: none;
  }

  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }

  .dialer {
    display: flex;
    flex-direction: column;
    gap: var(--dialer-spacing);
    padding: calc(var(--dialer-spacing) * 1.5);
    background: var(--dialer-color-background);
    border: 1px solid var(--dialer-color-border);
    border-radius: var(--dialer-radius);
  }

  .dialer__audio {
    display: none;
  }

  .dialer__header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--dialer-spacing);
  }

  .dialer__agent {
    margin-inline-start: auto;
    color: var(--dialer-color-muted);
  }

  .dialer__chip {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    padding: 2px 10px;
    border-radius: 999px;
    background: var(--dialer-color-surface);
    font-weight: 600;
    white-space: nowrap;
  }

  .dialer__chip::before {
    content: '';
    width: 8px;
    height: 8px;
    border-radius: 50%;
    background: var(--dialer-color-muted);
  }

  .dialer__chip--registered::before {
    background: var(--dialer-color-primary);
  }

  .dialer__chip--connecting::before,
  .dialer__chip--reconnecting::before {
    background: var(--dialer-color-warning);
  }

  .dialer__chip--failed {
    color: var(--dialer-color-danger);
    white-space: normal;
  }

  .dialer__chip--failed::before {
    background: var(--dialer-color-danger);
  }

  .dialer__field {
    display: inline-flex;
    flex-direction: column;
    gap: 2px;
    font-size: 0.85em;
    color: var(--dialer-color-muted);
  }

  .dialer__hint {
    font-size: 0.85em;
    color: var(--dialer-color-muted);
  }

  .dialer__notice {
    margin: 0;
    padding: 6px var(--dialer-spacing);
    border-radius: var(--dialer-radius);
    background: var(--dialer-color-surface);
  }

  .dialer__notice--error {
    color: var(--dialer-color-danger);
  }

  .dialer__call {
    display: flex;
    align-items: baseline;
    justify-content: space-between;
    gap: var(--dialer-spacing);
    min-height: 1.5em;
  }

  .dialer__call-state {
    font-weight: 600;
  }

  .dialer__timer {
    font-variant-numeric: tabular-nums;
  }

  .dialer__dial {
    display: flex;
    gap: var(--dialer-spacing);
  }

  input,
  select,
  button {
    font: inherit;
    color: inherit;
  }

  input,
  select {
    padding: 6px 8px;
    border: 1px solid var(--dialer-color-border);
    border-radius: var(--dialer-radius);
    background: var(--dialer-color-background);
  }

  .dialer__number {
    flex: 1;
    min-width: 0;
    font-size: 1.2em;
    font-variant-numeric: tabular-nums;
  }

  .dialer__dialpad {
    display: grid;
    grid-template-columns: repeat(3, var(--dialer-key-size));
    gap: var(--dialer-spacing);
    justify-content: center;
  }

  .dialer__key {
    height: var(--dialer-key-size);
    font-size: 1.2em;
  }

  .dialer__toolbar {
    display: flex;
    flex-wrap: wrap;
    gap: var(--dialer-spacing);
  }

  button {
    padding: 6px 12px;
    border: 1px solid var(--dialer-color-border);
    border-radius: var(--dialer-radius);
    background: var(--dialer-color-surface);
    cursor: pointer;
  }

  button:disabled {
    opacity: 0.45;
    cursor: not-allowed;
  }

  button[aria-pressed='true'] {
    background: var(--dialer-color-text);
    color: var(--dialer-color-background);
  }

  button[aria-busy='true'] {
    cursor: progress;
  }

  :is(button, input, select, summary):focus-visible {
    outline: 2px solid var(--dialer-color-focus);
    outline-offset: 2px;
  }

  .dialer__button--call,
  .dialer__button--answer {
    background: var(--dialer-color-primary);
    border-color: var(--dialer-color-primary);
    color: var(--dialer-color-primary-text);
  }

  .dialer__button--hangup {
    background: var(--dialer-color-danger);
    border-color: var(--dialer-color-danger);
    color: var(--dialer-color-primary-text);
  }

  .dialer__panel {
    padding: var(--dialer-spacing);
    border: 1px solid var(--dialer-color-border);
    border-radius: var(--dialer-radius);
  }

  .dialer__list {
    display: flex;
    flex-direction: column;
    gap: 4px;
    margin: 0;
    padding: 0;
    list-style: none;
  }

  .dialer__login {
    display: flex;
    flex-direction: column;
    gap: var(--dialer-spacing);
    max-width: 320px;
  }

  .dialer__visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;
