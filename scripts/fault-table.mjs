#!/usr/bin/env node
// Writes docs/FAULTS.md from the sync fault tests (test/integration/sync-faults/cases.ts and the faultCase calls).
// `node scripts/fault-table.mjs --check` only says whether the committed file is up to date (exit 1 if not).
import { readFileSync, writeFileSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
const { FAULTS_DOC, renderFaultTable, tableProblems } = await import('../test/integration/sync-faults/table.ts');
const problems = tableProblems();
if (problems.length > 0) {
  console.error(`The fault table and its tests disagree:\n${problems.join('\n')}`);
  process.exit(1);
}
const text = renderFaultTable();
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(FAULTS_DOC, 'utf8');
  } catch {
    // missing: stale
  }
  if (current !== text) {
    console.error('docs/FAULTS.md is stale: run `node scripts/fault-table.mjs`.');
    process.exit(1);
  }
  console.log('docs/FAULTS.md is up to date.');
} else {
  writeFileSync(FAULTS_DOC, text);
  console.log(`Wrote ${FAULTS_DOC}.`);
}
