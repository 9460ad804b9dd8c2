#!/usr/bin/env node
// `npm test`: every check, in order, on a fresh clone or a working tree.
// Lint (zero warnings) → dead code (knip: unused files, exports, dependencies) → typecheck of every target → build → electronegativity
// → unit + integration (vitest) → e2e (Playwright, real Chromium).
// Every stage runs even when an earlier one failed, so one run shows all that
// is wrong; the exit code is non-zero if anything failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const bin = (name) => join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);
const reports = join(root, '.test-output');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

const tsconfigs = ['tsconfig.node.json', 'tsconfig.electron.json', 'tsconfig.web.json', 'tsconfig.server.json', 'tsconfig.test.json'];

const stages = [
  { name: 'setup (native modules)', cmd: process.execPath, args: [join(root, 'scripts/setup.mjs')] },
  { name: 'lint', cmd: bin('eslint'), args: ['.', '--max-warnings', '0'] },
  { name: 'dead code (knip)', cmd: bin('knip'), args: [] },
  ...tsconfigs.map((config) => ({ name: `typecheck ${config}`, cmd: bin('tsc'), args: ['-p', config, '--noEmit'] })),
  { name: 'build (electron-vite)', cmd: bin('electron-vite'), args: ['build', '--logLevel', 'warn'] },
  { name: 'electronegativity', cmd: process.execPath, args: [join(root, 'scripts/electronegativity.mjs')] },
  {
    name: 'unit + integration (vitest)',
    cmd: bin('vitest'),
    args: ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${join(reports, 'vitest.json')}`],
  },
  { name: 'e2e (playwright)', cmd: bin('playwright'), args: ['test'], env: { PLAYWRIGHT_JSON_OUTPUT_NAME: join(reports, 'e2e.json') } },
];

const results = [];
for (const stage of stages) {
  const started = Date.now();
  console.log(`\n=== ${stage.name}`);
  const r = spawnSync(stage.cmd, stage.args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...stage.env }, shell: process.platform === 'win32' });
  const ok = r.status === 0;
  results.push({ name: stage.name, ok, seconds: (Date.now() - started) / 1000 });
  console.log(`=== ${stage.name}: ${ok ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (!ok && stage.name.startsWith('setup')) break;
}

// Test counts from the runners' own reports.
let passed = 0;
let failed = 0;
const failures = [];
const vitestReport = join(reports, 'vitest.json');
if (existsSync(vitestReport)) {
  const v = JSON.parse(readFileSync(vitestReport, 'utf8'));
  passed += v.numPassedTests;
  failed += v.numFailedTests;
  console.log(`vitest: ${v.numPassedTests} passed, ${v.numFailedTests} failed of ${v.numTotalTests} in ${v.numTotalTestSuites} suites`);
  // The failing tests are named again here, at the very end of the log,
  // where a reader who sees only its tail still finds them.
  for (const file of v.testResults ?? []) {
    for (const t of file.assertionResults ?? []) {
      if (t.status !== 'failed') continue;
      failures.push(`vitest ${relative(process.cwd(), file.name)} › ${t.fullName}`);
      const first = String((t.failureMessages ?? [])[0] ?? '').split('\n').slice(0, 6).join('\n      ');
      if (first) failures.push(`      ${first}`);
    }
  }
}
const e2eReport = join(reports, 'e2e.json');
if (existsSync(e2eReport)) {
  const report = JSON.parse(readFileSync(e2eReport, 'utf8'));
  const e = report.stats;
  const walk = (suite) => {
    for (const spec of suite.specs ?? []) {
      const bad = (spec.tests ?? []).some((t) => t.status === 'unexpected' || t.status === 'flaky');
      if (!bad) continue;
      failures.push(`playwright ${spec.file}:${spec.line} › ${spec.title}`);
      // The first lines of the first failed attempt's error, without colour codes.
      const results = (spec.tests ?? []).flatMap((t) => t.results ?? []);
      const error = results.map((r) => r.error?.message ?? r.errors?.[0]?.message).find(Boolean);
      const first = String(error ?? '').replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '').split('\n').slice(0, 8).join('\n      ');
      if (first) failures.push(`      ${first}`);
    }
    for (const child of suite.suites ?? []) walk(child);
  };
  for (const suite of report.suites ?? []) walk(suite);
  passed += e.expected;
  failed += e.unexpected + e.flaky;
  console.log(`playwright: ${e.expected} passed, ${e.unexpected} failed, ${e.flaky} flaky, ${e.skipped} skipped`);
}

if (failures.length > 0) console.log(`\n=== failing tests\n${failures.join('\n')}`);
console.log('\n=== summary');
for (const r of results) console.log(`${r.ok ? 'ok    ' : 'FAILED'} ${r.name} (${r.seconds.toFixed(1)} s)`);
const stageFailures = results.filter((r) => !r.ok).length;
console.log(`${passed} passed, ${failed + (failed === 0 ? stageFailures : 0)} failed`);
process.exit(stageFailures === 0 && failed === 0 ? 0 : 1);
