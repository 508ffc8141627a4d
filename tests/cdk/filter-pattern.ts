/**
 * A CloudWatch Logs filter-pattern evaluator for the subset of the JSON syntax this project's metric
 * filters use: `{ $.a = "x" && $.b.c = "y" }` (string equality on selectors, joined by `&&`).
 * Anything else throws, so a filter that grows past this subset fails its test loudly instead of
 * being evaluated wrongly. No package found on npm or PyPI evaluates these patterns, and moto
 * (already a test dependency) matches plain terms only, not JSON patterns.
 *
 * Syntax and meaning, as CloudWatch documents them:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html and
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/matching-terms-json-log-events.html
 * (a JSON pattern applies to log events that are JSON objects; `$.` selects a field; a quoted
 * string matches that exact string value).
 */
type Clause = { path: string[]; value: string };

export function parseJsonFilterPattern(pattern: string): Clause[] {
  const m = /^\s*\{(.*)\}\s*$/s.exec(pattern);
  if (!m) throw new Error(`not a JSON filter pattern: ${pattern}`);
  if (/\|\||[()]/.test(m[1])) throw new Error(`unsupported (only && of string equalities): ${pattern}`);
  return m[1].split('&&').map((part) => {
    const c = /^\s*\$\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)\s*=\s*"([^"*\\]*)"\s*$/.exec(part);
    if (!c) throw new Error(`unsupported clause ${JSON.stringify(part.trim())} in ${pattern}`);
    return { path: c[1].split('.'), value: c[2] };
  });
}

/** Whether the log event `line` matches `pattern`. */
export function matchesJsonFilterPattern(pattern: string, line: string): boolean {
  const clauses = parseJsonFilterPattern(pattern);
  let event: unknown;
  try {
    event = JSON.parse(line);
  } catch {
    return false; // JSON patterns never match events that are not JSON
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return false;
  return clauses.every(({ path, value }) => {
    let v: unknown = event;
    for (const key of path) {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
      v = (v as Record<string, unknown>)[key];
    }
    return v === value;
  });
}
