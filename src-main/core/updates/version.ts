/**
 * Version numbers as releases carry them (semantic versioning: 1.4.0,
 * 1.5.0-beta.2), compared the way semver orders them: a pre-release comes
 * before its release, its dot-separated parts compare as numbers when they
 * are numbers, as text otherwise, and a longer list wins a tie. Build
 * metadata (+…) is ignored. No I/O here.
 */

interface Version {
  core: [number, number, number];
  pre: string[];
}

const PATTERN = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z.-]+)?$/;

/** The version read from its text; null when it is not a semantic version. */
export function parseVersion(text: string): Version | null {
  const m = PATTERN.exec(text.trim());
  if (m === null) return null;
  return { core: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] === undefined ? [] : m[4].split('.') };
}

const comparePart = (a: string, b: string): number => {
  const numeric = /^\d+$/;
  if (numeric.test(a) && numeric.test(b)) return Math.sign(Number(a) - Number(b));
  if (numeric.test(a)) return -1;
  if (numeric.test(b)) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
};

/** Below zero when a comes before b, zero when they are the same release, above zero after. */
export function compareVersions(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) {
    const d = (a.core[i] ?? 0) - (b.core[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  if (a.pre.length === 0 || b.pre.length === 0) return a.pre.length === b.pre.length ? 0 : a.pre.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const d = comparePart(a.pre[i] ?? '', b.pre[i] ?? '');
    if (d !== 0) return d;
  }
  return Math.sign(a.pre.length - b.pre.length);
}

/** A pre-release (1.5.0-beta.2): offered only to a console that runs a pre-release itself. */
export const isPrerelease = (v: Version): boolean => v.pre.length > 0;
