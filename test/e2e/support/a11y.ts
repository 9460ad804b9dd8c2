import AxeBuilder from '@axe-core/playwright';
import { expect } from '@playwright/test';
import type { Page } from '@playwright/test';

type AxeResults = Awaited<ReturnType<AxeBuilder['analyze']>>;
type Violation = AxeResults['violations'][number];

/** The impacts that fail a check: what keeps someone from using the screen, not what only makes it harder. */
const FAILING: ReadonlySet<string> = new Set(['serious', 'critical']);

/** The WCAG 2.x A and AA rules, and axe's best practices (landmarks, headings, one main…). */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/** Every violation as a few readable lines: impact, rule, what it means, and each element (up to six) with what is wrong with it. */
export function describeViolations(violations: readonly Violation[]): string {
  return violations
    .map((v) => {
      const where = v.nodes.slice(0, 6).map((n) => {
        const why = [...n.any, ...n.all, ...n.none].map((c) => c.message).filter((m) => m !== '').slice(0, 2).join(' / ');
        return `      at ${n.target.join(' ')}\n        ${n.html.replace(/\s+/g, ' ').slice(0, 140)}\n        ${why}`;
      });
      const more = v.nodes.length > 6 ? [`      … and ${v.nodes.length - 6} more`] : [];
      return [`  [${v.impact ?? 'unknown'}] ${v.id}: ${v.help} (${v.helpUrl})`, ...where, ...more].join('\n');
    })
    .join('\n');
}

/**
 * Waits until what moves on the page has stopped (a dialog fading in, a menu
 * opening): axe measures colours and positions, and a half-faded dialog has
 * neither its final contrast nor its final place. Endless animations
 * (spinners, striped progress bars) are not waited for.
 */
async function settle(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const finite = document.getAnimations().filter((a) => {
      const iterations = a.effect?.getComputedTiming().iterations;
      return iterations !== undefined && Number.isFinite(iterations);
    });
    await Promise.all(finite.map((a) => a.finished.catch(() => undefined)));
  });
}

/**
 * Starts counting what begins to move on the page (a CSS transition or
 * animation starting anywhere), so a measurement taken while something moved
 * can be told apart from one taken at rest.
 */
async function startWatchingMotion(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { rosterMotion?: number };
    if (w.rosterMotion === undefined) {
      const moved = (): void => {
        w.rosterMotion = (w.rosterMotion ?? 0) + 1;
      };
      document.addEventListener('transitionrun', moved, true);
      document.addEventListener('animationstart', moved, true);
    }
    w.rosterMotion = 0;
  });
}

/** Whether anything started moving since `startWatchingMotion`, or is moving still (endless animations aside). */
async function movedSince(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const w = window as unknown as { rosterMotion?: number };
    const running = document.getAnimations().some((a) => {
      const iterations = a.effect?.getComputedTiming().iterations;
      return a.playState === 'running' && iterations !== undefined && Number.isFinite(iterations);
    });
    return running || (w.rosterMotion ?? 0) > 0;
  });
}

/** How many times a check is measured again because the page moved while axe ran (a notification closing itself, say). */
const MOTION_RETRIES = 3;

/**
 * Runs axe on the page as it is now (the whole document, so an open dialog
 * is checked with what is behind it) and fails the test on any violation
 * of impact serious or critical, listing each one readably under `context`
 * (the page or dialog, e.g. "Import · review · row details"). Soft: the test
 * goes on to check the next screens, and fails at its end with all of them.
 * A run during which something on the page started to move (a notification
 * fading out half way through is measured at half its contrast) is thrown
 * away and measured again once the page is still.
 */
export async function expectNoSeriousA11yViolations(page: Page, context: string): Promise<void> {
  // The pointer rests where nothing reacts to it, so the colours measured are the ones at rest, not a hovered button's.
  await page.mouse.move(1, 1);
  let serious: Violation[] = [];
  for (let attempt = 0; attempt <= MOTION_RETRIES; attempt++) {
    await settle(page);
    await startWatchingMotion(page);
    const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
    serious = results.violations.filter((v) => v.impact != null && FAILING.has(v.impact));
    if (serious.length === 0 || !(await movedSince(page))) break;
  }
  expect.soft(serious.length === 0 ? '' : `${context}: ${serious.length} serious or critical accessibility violation(s)\n${describeViolations(serious)}`, `axe on ${context}`).toBe('');
}
