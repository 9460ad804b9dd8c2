import { describe, expect, it } from 'vitest';
import { compareVersions, parseVersion } from '../../../src-main/core/updates/version';
import { decideUpdate, inRollout, rolloutPosition } from '../../../src-main/core/updates/decide';
import { parseFeed } from '../../../src-main/core/updates/feed';
import type { UpdateFeed } from '../../../src-main/core/updates/feed';

const SHA = 'a'.repeat(86) + '==';
const v = (text: string) => {
  const parsed = parseVersion(text);
  if (parsed === null) throw new Error(`not a version: ${text}`);
  return parsed;
};
const feed = (version: string, stagingPercentage = 100): UpdateFeed => ({ version, files: [{ url: 'Roster.exe', sha512: SHA }], releaseDate: null, notes: '', stagingPercentage });
/** An install id whose last 32 bits put it at this fraction of a rollout. */
const idAt = (fraction: number): string => `00000000-0000-4000-8000-0000${Math.floor(fraction * 0xffffffff).toString(16).padStart(8, '0')}`;

describe('version comparison', () => {
  it('orders releases and pre-releases as semver does', () => {
    const ordered = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '1.0.1', '1.2.0', '1.10.0', '2.0.0'];
    for (let i = 0; i + 1 < ordered.length; i++) {
      expect(compareVersions(v(ordered[i] ?? ''), v(ordered[i + 1] ?? '')), `${ordered[i]} < ${ordered[i + 1]}`).toBe(-1);
      expect(compareVersions(v(ordered[i + 1] ?? ''), v(ordered[i] ?? ''))).toBe(1);
    }
    expect(compareVersions(v('v1.2.3+build.7'), v('1.2.3'))).toBe(0);
  });

  it('refuses what is not a semantic version', () => {
    for (const text of ['1.2', '01.2.3', '1.2.3-', 'latest', '']) expect(parseVersion(text), text).toBeNull();
  });
});

describe('the update decision', () => {
  it('offers a newer release, and never an older or the same one', () => {
    expect(decideUpdate('1.4.0', feed('1.5.0'), idAt(0.5))).toEqual({ kind: 'available' });
    expect(decideUpdate('1.4.0', feed('1.4.0'), idAt(0.5))).toEqual({ kind: 'upToDate' });
    // A feed rolled back to an older release does not downgrade anyone.
    expect(decideUpdate('1.5.0', feed('1.4.2'), idAt(0.5))).toEqual({ kind: 'upToDate' });
    expect(decideUpdate('1.5.0', feed('1.5.0-rc.1'), idAt(0.5))).toEqual({ kind: 'upToDate' });
  });

  it('offers a pre-release only to a console running one', () => {
    expect(decideUpdate('1.4.0', feed('1.5.0-beta.1'), idAt(0.5))).toEqual({ kind: 'upToDate' });
    expect(decideUpdate('1.5.0-beta.1', feed('1.5.0-beta.2'), idAt(0.5))).toEqual({ kind: 'available' });
    expect(decideUpdate('1.5.0-beta.2', feed('1.5.0'), idAt(0.5))).toEqual({ kind: 'available' });
  });

  it('rolls out in stages by the install\'s stable random id', () => {
    expect(decideUpdate('1.4.0', feed('1.5.0', 20), idAt(0.1))).toEqual({ kind: 'available' });
    expect(decideUpdate('1.4.0', feed('1.5.0', 20), idAt(0.3))).toEqual({ kind: 'notYet', percentage: 20 });
    expect(decideUpdate('1.4.0', feed('1.5.0', 0), idAt(0))).toEqual({ kind: 'notYet', percentage: 0 });
    expect(inRollout('not-a-uuid', 99)).toBe(false);
    expect(inRollout('not-a-uuid', 100)).toBe(true);
    // About the percentage of many random installs is in.
    let inside = 0;
    for (let i = 0; i < 10_000; i++) if (inRollout(crypto.randomUUID(), 25)) inside++;
    expect(inside).toBeGreaterThan(2200);
    expect(inside).toBeLessThan(2800);
    const id = crypto.randomUUID();
    expect(rolloutPosition(id)).toBe(rolloutPosition(id));
  });
});

describe('reading a latest.yml', () => {
  it('reads what electron-builder writes', () => {
    const parsed = parseFeed(`version: 1.5.0
files:
  - url: Roster-Setup-1.5.0.exe
    sha512: ${SHA}
    size: 91234567
path: Roster-Setup-1.5.0.exe
sha512: ${SHA}
releaseDate: '2026-11-20T10:00:00.000Z'
releaseNotes: Faster exports.
stagingPercentage: 30
`);
    expect(parsed).toEqual({ version: '1.5.0', files: [{ url: 'Roster-Setup-1.5.0.exe', sha512: SHA, size: 91234567 }], releaseDate: '2026-11-20T10:00:00.000Z', notes: 'Faster exports.', stagingPercentage: 30 });
    expect(parseFeed(`version: 1.5.0\nfiles:\n  - url: a.exe\n    sha512: ${SHA}\n`).stagingPercentage).toBe(100);
  });

  it('refuses a file that is not a feed, saying what is wrong', () => {
    expect(() => parseFeed('<html>Not found</html>')).toThrow(/not a latest\.yml/);
    expect(() => parseFeed(`version: soon\nfiles:\n  - url: a.exe\n    sha512: ${SHA}\n`)).toThrow(/version: not a semantic version/);
    expect(() => parseFeed('version: 1.5.0\nfiles: []\n')).toThrow(/files/);
    expect(() => parseFeed(`version: 1.5.0\nfiles:\n  - url: a.exe\n    sha512: short\n`)).toThrow(/sha512/);
    expect(() => parseFeed(`version: 1.5.0\nfiles:\n  - url: a.exe\n    sha512: ${SHA}\nstagingPercentage: 150\n`)).toThrow(/stagingPercentage/);
    expect(() => parseFeed('version: [1.5.0')).toThrow(/not YAML/);
  });
});
