import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestConsole } from '../../support/console';
import type { TestConsole } from '../../support/console';

describe('console language', () => {
  const opened: TestConsole[] = [];
  const dirs: string[] = [];
  afterEach(() => {
    for (const c of opened.splice(0)) c.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('offers the system locales and no choice at first, then remembers the choice in the data dir across restarts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'roster-language-'));
    dirs.push(dataDir);
    const first = openTestConsole({ dataDir, systemLocales: ['nl-BE', 'en-US'] });
    opened.push(first);
    const before = await first.call('app:info', {});
    expect(before.language).toBeNull();
    expect(before.systemLocales).toEqual(['nl-BE', 'en-US']);
    await first.call('app:setLanguage', { language: 'fr' });
    first.close();
    opened.pop();

    const again = openTestConsole({ dataDir });
    opened.push(again);
    const after = await again.call('app:info', {});
    expect(after.language).toBe('fr');
    expect(after.systemLocales).toEqual([]);
  });

  it('refuses a language the console does not speak, naming the field', async () => {
    const c = openTestConsole();
    opened.push(c);
    const result = await c.roster.dispatcher.dispatch('app:setLanguage', { language: 'de' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('VALIDATION_FAILED');
      expect(Object.keys(result.error.details?.fields ?? {})).toContain('language');
    }
    expect((await c.call('app:info', {})).language).toBeNull();
  });
});
