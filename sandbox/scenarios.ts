/**
 * Scenarios: which fate each dialled number gets. An ordered list of rules matched by
 * the called number (`To`); the first match wins. Tests replace or prepend rules through
 * the control API; without that the {@link DEFAULT_SCENARIOS} apply.
 *
 * @module
 */

import { checkFateRule, type FateRule } from './carrier-model.ts';

/**
 * A rule: `match` is an exact number or URI (`+15550001234`), or a glob where `*` stands
 * for any run of characters (`+1555000*`, `sip:*`, `*`).
 */
export type ScenarioRule = { match: string } & FateRule;

/**
 * The built-in table (also in the README). `sip:*` addresses are agents' softphones:
 * they answer after a second and stay until the other side hangs up.
 */
export const DEFAULT_SCENARIOS: readonly ScenarioRule[] = [
  { match: 'sip:*', outcome: 'human', ringMs: 1000, talkMs: null },
  { match: '+1555000*', outcome: 'human', ringMs: 4000, talkMs: 30_000 },
  { match: '+1555001*', outcome: 'busy', ringMs: 1000 },
  { match: '+1555002*', outcome: 'no-answer' },
  { match: '+1555003*', outcome: 'machine', ringMs: 4000, talkMs: 60_000 },
  { match: '+1555004*', outcome: 'failed', ringMs: 500 },
  { match: '*', outcome: 'human', ringMs: 5000, talkMs: 60_000 },
];

/** Used when no rule matches (only possible when a test replaced the table without `*`). */
export const FALLBACK_RULE: ScenarioRule = { match: '*', outcome: 'human', ringMs: 5000, talkMs: 60_000 };

/** The first rule whose pattern matches `to`. */
export function matchScenario(rules: readonly ScenarioRule[], to: string): ScenarioRule {
  return rules.find((rule) => globMatches(rule.match, to)) ?? FALLBACK_RULE;
}

/** `*` matches any run of characters (including none); everything else is literal. */
export function globMatches(pattern: string, value: string): boolean {
  const parts = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`).test(value);
}

/** Check untyped input (control API body) and return it as a rule, or the problems found. */
export function parseScenarioRule(input: unknown, path = 'rule'): { ok: true; rule: ScenarioRule } | { ok: false; problems: string[] } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, problems: [`${path} must be an object like {"match":"+1555000*","outcome":"human"}`] };
  }
  const record = input as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof record.match !== 'string' || record.match === '') {
    problems.push(`${path}.match must be a number, a URI or a glob such as "+1555000*"`);
  }
  problems.push(...checkFateRule(record, path));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, rule: record as unknown as ScenarioRule };
}

/** Check a whole list of rules. */
export function parseScenarioRules(input: unknown): { ok: true; rules: ScenarioRule[] } | { ok: false; problems: string[] } {
  if (!Array.isArray(input)) return { ok: false, problems: ['the body must be an array of rules'] };
  const rules: ScenarioRule[] = [];
  const problems: string[] = [];
  input.forEach((item: unknown, index) => {
    const parsed = parseScenarioRule(item, `rules[${index}]`);
    if (parsed.ok) rules.push(parsed.rule);
    else problems.push(...parsed.problems);
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, rules };
}
