import { css } from 'lit';

/** The campaign bar, the lead panel and the disposition form (same custom properties as the rest). */
export default css`
  .dialer__campaign {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--dialer-spacing);
  }

  /* The picker: its label sits above the select, so line the buttons up with the select. */
  .dialer__campaign:not([data-mode]) {
    align-items: flex-end;
  }

  .dialer__campaign-name {
    font-weight: 600;
  }

  .dialer__lead {
    display: flex;
    flex-direction: column;
    gap: calc(var(--dialer-spacing) / 2);
  }

  .dialer__lead-name {
    margin: 0;
    font-size: 1.1em;
  }

  .dialer__lead-facts {
    display: flex;
    flex-wrap: wrap;
    gap: var(--dialer-spacing);
    margin: 0;
    color: var(--dialer-color-muted);
  }

  .dialer__lead-phone {
    color: var(--dialer-color-text);
    font-variant-numeric: tabular-nums;
  }

  .dialer__lead-fields {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 2px var(--dialer-spacing);
    margin: 0;
  }

  .dialer__lead-fields > div {
    display: contents;
  }

  .dialer__lead-fields dt {
    color: var(--dialer-color-muted);
  }

  .dialer__lead-fields dd {
    margin: 0;
    overflow-wrap: anywhere;
  }

  .dialer__script {
    padding: var(--dialer-spacing);
    border-radius: var(--dialer-radius);
    background: var(--dialer-color-surface);
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    max-height: 16em;
    overflow: auto;
  }

  .dialer__lead-actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--dialer-spacing);
  }

  .dialer__disposition {
    display: flex;
    flex-direction: column;
    gap: var(--dialer-spacing);
  }

  .dialer__disposition:focus-visible {
    outline: 2px solid var(--dialer-color-focus);
    outline-offset: 2px;
  }

  .dialer__options {
    display: flex;
    flex-wrap: wrap;
    gap: 4px var(--dialer-spacing);
    margin: 0;
    padding: 4px var(--dialer-spacing) var(--dialer-spacing);
    border: 1px solid var(--dialer-color-border);
    border-radius: var(--dialer-radius);
  }

  .dialer__option {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    cursor: pointer;
  }

  .dialer__option[data-kind='dnc'] {
    color: var(--dialer-color-danger);
  }

  .dialer__option kbd {
    min-width: 1.4em;
    padding: 0 4px;
    border: 1px solid var(--dialer-color-border);
    border-radius: 4px;
    font: inherit;
    font-size: 0.8em;
    text-align: center;
    color: var(--dialer-color-muted);
  }

  .dialer__confirm {
    color: var(--dialer-color-danger);
  }

  .dialer__field-error {
    font-size: 0.85em;
    color: var(--dialer-color-danger);
  }

  textarea {
    font: inherit;
    color: inherit;
    padding: 6px 8px;
    border: 1px solid var(--dialer-color-border);
    border-radius: var(--dialer-radius);
    background: var(--dialer-color-background);
    resize: vertical;
  }

  textarea:focus-visible {
    outline: 2px solid var(--dialer-color-focus);
    outline-offset: 2px;
  }
`;
