/**
 * The one error type for invalid TeXML, whether it comes from the builder, from
 * `validateTexml()` on a hand-made tree, or from `parseTexml()` on fetched text. The
 * sandbox turns `issues` into its rejection report, so each issue names the element,
 * the attribute when there is one, and where in the document it sits.
 *
 * @module
 */

export interface TexmlIssue {
  /**
   * Where the element sits: names from the root with a 0-based index among same-named
   * siblings, e.g. `Response/Dial[0]/Number[1]`. Empty for whole-document problems.
   */
  path: string;
  /** The element's name, or `#document` for problems with the XML text itself. */
  element: string;
  attribute?: string;
  /** Reads on its own, e.g. `Dial@timeout: 500 is outside 5–120`. */
  message: string;
}

export class TexmlValidationError extends Error {
  readonly issues: readonly TexmlIssue[];

  constructor(issues: readonly TexmlIssue[]) {
    const listed = issues.map((issue) => (issue.path ? `${issue.message} (at ${issue.path})` : issue.message));
    super(`Invalid TeXML: ${listed.join('; ')}`);
    this.name = 'TexmlValidationError';
    this.issues = issues;
  }
}

/** Builds an issue whose message starts with `Element@attribute:` or `Element:`. */
export function issueAt(path: string, element: string, problem: string, attribute?: string): TexmlIssue {
  if (attribute === undefined) return { path, element, message: `${element}: ${problem}` };
  return { path, element, attribute, message: `${element}@${attribute}: ${problem}` };
}
