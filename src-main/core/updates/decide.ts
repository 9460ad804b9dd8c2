import type { UpdateFeed } from './feed';
import { compareVersions, isPrerelease, parseVersion } from './version';

/**
 * Whether this console takes what a feed announces. Never an older or the
 * same version (no downgrade, even when a feed is rolled back); a
 * pre-release only for a console running one; and in a staged rollout, only
 * the installs whose stable random number falls within the percentage, so
 * the same install stays in (or out) at every check. No I/O here.
 */
export type UpdateDecision = { kind: 'upToDate' } | { kind: 'notYet'; percentage: number } | { kind: 'available' };

/**
 * Where an install falls in a rollout, from 0 to 100: the last 32 bits of
 * its random id (a UUID), spread evenly. An id that is not a UUID counts as
 * the last in line (it gets an update only at 100 %).
 */
export function rolloutPosition(installId: string): number {
  const hex = installId.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) return 100;
  return (parseInt(hex.slice(24), 16) / 0xffffffff) * 100;
}

export const inRollout = (installId: string, percentage: number): boolean => percentage >= 100 || rolloutPosition(installId) < percentage;

export function decideUpdate(current: string, feed: UpdateFeed, installId: string): UpdateDecision {
  const running = parseVersion(current);
  const offered = parseVersion(feed.version);
  if (running === null || offered === null) return { kind: 'upToDate' };
  if (compareVersions(offered, running) <= 0) return { kind: 'upToDate' };
  if (isPrerelease(offered) && !isPrerelease(running)) return { kind: 'upToDate' };
  if (!inRollout(installId, feed.stagingPercentage)) return { kind: 'notYet', percentage: feed.stagingPercentage };
  return { kind: 'available' };
}
