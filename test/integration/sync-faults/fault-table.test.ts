import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FAULT_CASES } from './cases';
import { FAULTS_DOC, renderFaultTable, tableProblems } from './table';

describe('docs/FAULTS.md', () => {
  it('lists every fault case, each with exactly one test, and is not stale (node scripts/fault-table.mjs rewrites it)', () => {
    expect(tableProblems()).toEqual([]);
    expect(readFileSync(FAULTS_DOC, 'utf8'), 'docs/FAULTS.md is stale: run `node scripts/fault-table.mjs`').toBe(renderFaultTable());
  });

  it('has at least 30 cases, at least 12 of which kill a real process', () => {
    const cases = Object.values(FAULT_CASES);
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(cases.filter((c) => c.kill !== 'none').length).toBeGreaterThanOrEqual(12);
  });
});
