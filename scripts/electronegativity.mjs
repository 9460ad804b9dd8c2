#!/usr/bin/env node
// Runs @doyensec/electronegativity over the Electron sources and the renderer's
// HTML, for the Electron version we ship, and fails on any HIGH finding.
// Medium and low findings are listed for a person to review.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')).version;
const stage = mkdtempSync(join(tmpdir(), 'roster-eneg-'));
try {
  cpSync(join(root, 'src-main'), join(stage, 'src-main'), { recursive: true });
  cpSync(join(root, 'src-renderer/index.html'), join(stage, 'index.html'));
  const report = join(stage, 'report.csv');
  const bin = join(root, 'node_modules/.bin/electronegativity');
  const run = spawnSync(bin, ['-i', stage, '-e', electronVersion, '-o', report, '-r', '-v', 'false'], { encoding: 'utf8', timeout: 300_000 });
  if (run.error !== undefined) throw run.error;
  let csv;
  try {
    csv = readFileSync(report, 'utf8');
  } catch {
    console.error(run.stdout, run.stderr);
    throw new Error('electronegativity wrote no report');
  }
  const findings = csv
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [issue, severity, confidence, file, location] = parseCsvLine(line);
      return { issue, severity, confidence, file, location };
    });
  for (const f of findings) if (f.severity === undefined) console.log('unparsed', f); else console.log(`${f.severity.padEnd(13)} ${f.confidence.padEnd(10)} ${f.issue} ${f.file}:${f.location}`);
  const high = findings.filter((f) => f.severity === 'HIGH');
  console.log(`electronegativity (Electron ${electronVersion}): ${findings.length} findings, ${high.length} high`);
  process.exitCode = high.length === 0 ? 0 : 1;
} finally {
  rmSync(stage, { recursive: true, force: true });
}

/** One CSV record with double-quoted fields (commas inside quotes kept). */
function parseCsvLine(line) {
  const cells = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell.trim());
      cell = '';
    } else cell += c;
  }
  cells.push(cell.trim());
  return cells;
}
