import * as fs from 'fs';
import * as path from 'path';
import { CONTEXT_KEYS } from '../../lib/app';

/** The backticked names in the first cell of each row of the table under `heading` in a docs page. */
function firstCellNames(page: string, heading: string): string[] {
  const text = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', page), 'utf-8');
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l === heading);
  if (start < 0) throw new Error(`docs/${page} has no heading "${heading}"`);
  const rest = lines.slice(start + 1);
  const first = rest.findIndex((l) => l.startsWith('|'));
  const table = rest.slice(first).filter((_, i, a) => a.slice(0, i + 1).every((l) => l.startsWith('|')));
  return table.slice(2).flatMap((row) => [...row.split('|')[1].matchAll(/`([^`]+)`/g)].map((m) => m[1]));
}

describe('docs/deploying.md', () => {
  test('the context-key table lists exactly the app\'s CONTEXT_KEYS', () => {
    const documented = firstCellNames('deploying.md', '## Context keys');
    expect(documented.length).toBeGreaterThan(10);
    expect([...documented].sort()).toEqual(Object.keys(CONTEXT_KEYS).sort());
  });
});
