import { expect, test } from '@playwright/test';
import type { Browser, Page } from '@playwright/test';
import { SeededConsoles } from './support/console-host';
import { seedDirectory } from './support/seed';
import { seedEditConflict } from './support/seed-sync';
import { wordsFor } from './support/words';

/**
 * The shell, the profile screens, the invitation dialog and page, the
 * conflicts page, the server page and the status bar in French, Dutch and
 * Spanish: the browser's language picks the console's, and every screen
 * speaks it (the words are read from the console's own locale files through
 * i18next, as the console renders them).
 */

const consoles = new SeededConsoles();
test.afterEach(async () => {
  await consoles.stopAll();
});

// seedDirectory's ids and names.
const SECOND = { id: '00000100-0000-4000-8000-000000000001', name: 'Person000001 Family000001' };

const openSeeded = (browser: Browser, locale: string): Promise<Page> =>
  consoles.open(browser, locale, (dataDir) => {
    seedDirectory(dataDir, 5);
    seedEditConflict(dataDir, SECOND.id, 'Original', 'Server-side');
  });

for (const [language, locale] of [
  ['fr', 'fr-BE'],
  ['nl', 'nl-BE'],
  ['es', 'es-ES'],
] as const) {
  test(`${language}: every screen of the shell, profiles, invitations, conflicts, server and status bar speaks the browser's language`, async ({ browser }) => {
    const t = await wordsFor(language);
    const page = await openSeeded(browser, locale);
    const nav = page.getByRole('navigation');

    // With profiles, the console opens on the Dashboard, in the browser's language.
    await expect(page.getByRole('heading', { level: 2, name: t('common.nav.dashboard') })).toBeVisible();
    await nav.getByText(t('common.nav.profiles'), { exact: true }).click();

    // Profiles: heading, count, columns, badges, search.
    await expect(page.getByRole('heading', { level: 2, name: t('profiles.list.title') })).toBeVisible();
    await expect(page.getByTestId('selection-summary')).toHaveText(t('profiles.list.count', { count: 5, total: '5' }));
    await expect(page.getByRole('columnheader', { name: t('common.fields.status') })).toBeVisible();
    await expect(page.getByRole('columnheader', { name: t('common.fields.externalId') })).toBeVisible();
    await expect(page.getByTestId('status-badge').first()).toHaveText(t('common.status.not_invited'));
    await expect(page.getByRole('textbox', { name: t('profiles.list.searchLabel') })).toBeVisible();

    // Status bar.
    await expect(page.getByTestId('sync-state')).toHaveText(t('sync.status.notConnected'));
    await expect(page.getByTestId('sync-waiting')).toHaveText(t('sync.status.changesWaiting', { count: 0, n: '0' }));
    await expect(page.getByTestId('sync-conflicts')).toHaveText(t('sync.status.conflicts', { count: 1, n: '1' }));

    // A profile: details, actions, the invite dialog.
    await page.getByTestId('profile-row').filter({ hasText: SECOND.name }).click();
    await expect(page.getByRole('heading', { level: 2, name: SECOND.name })).toBeVisible();
    const details = page.getByTestId('profile-details');
    await expect(details).toContainText(t('profiles.profile.createdAt'));
    await expect(details).toContainText(t('common.languages.fr_BE'));
    await expect(page.getByRole('button', { name: t('profiles.profile.edit') })).toBeVisible();
    await page.getByRole('button', { name: t('profiles.profile.invite') }).click();
    const dialog = page.getByRole('dialog', { name: t('sync.invite.title') });
    await expect(dialog.getByTestId('invite-count')).toHaveText(t('sync.invite.willGet', { count: 1, n: '1' }));
    await expect(dialog.getByRole('button', { name: t('common.actions.close') })).toBeVisible();
    await dialog.getByRole('button', { name: t('sync.invite.confirm') }).click();
    await expect(page.getByText(t('sync.invite.queuedWhenOnline', { count: 1, n: '1' }))).toBeVisible();
    await expect(page.getByTestId('sync-waiting')).toHaveText(
      [t('sync.status.changesWaiting', { count: 1, n: '1' }), t('sync.status.invitationsWaiting', { count: 1, n: '1' })].join(' · '),
    );

    // New profile: the form's labels and its refusal.
    await nav.getByText(t('common.nav.profiles'), { exact: true }).click();
    await page.getByRole('button', { name: t('profiles.new.title') }).click();
    await expect(page.getByRole('heading', { level: 2, name: t('profiles.new.title') })).toBeVisible();
    await expect(page.getByRole('textbox', { name: t('common.fields.firstName'), exact: true })).toBeVisible();
    await expect(page.getByRole('textbox', { name: t('common.fields.phoneNumber'), exact: true })).toBeVisible();
    await page.getByRole('button', { name: t('profiles.new.submit') }).click();
    await expect(page.getByTestId('form-error')).toHaveText(t('profiles.form.check'));

    // Invitations: the batch just queued.
    await nav.getByText(t('common.nav.invitations'), { exact: true }).click();
    await expect(page.getByRole('heading', { level: 2, name: t('sync.invites.title') })).toBeVisible();
    const batch = page.getByTestId('batch');
    await expect(batch).toContainText(t('sync.batch.status.queued'));
    await expect(batch).toContainText(t('sync.batch.people', { count: 1, n: '1' }));

    // Conflicts: kind, headline, the overlapping field said in words, the choice's accessible names.
    await nav.getByText(t('common.nav.conflicts'), { exact: true }).click();
    await expect(page.getByRole('heading', { level: 2, name: t('sync.conflicts.title') })).toBeVisible();
    const conflict = page.getByTestId('conflict');
    await expect(conflict).toContainText(t('sync.conflicts.kind.edit'));
    await expect(conflict.getByRole('heading', { level: 3 })).toHaveText(t('sync.conflicts.headline.edit', { name: SECOND.name }));
    await expect(conflict.locator('[data-field="lastName"]').getByTestId('overlap-marker')).toHaveText(t('sync.conflicts.bothChanged'));
    await expect(conflict.locator('[data-field="externalId"]')).toContainText(t('sync.conflicts.merged'));
    await expect(conflict.getByRole('radio', { name: t('sync.conflicts.keepTheirsFor', { field: t('common.fields.lastName') }) })).toBeVisible();
    await expect(conflict.getByRole('button', { name: t('sync.conflicts.chooseMore', { count: 1 }) })).toBeDisabled();

    // Server: the sign-in form.
    await nav.getByText(t('common.nav.server'), { exact: true }).click();
    await expect(page.getByRole('heading', { level: 2, name: t('sync.server.title') })).toBeVisible();
    await expect(page.getByRole('textbox', { name: t('sync.server.address') })).toBeVisible();
    await expect(page.getByRole('button', { name: t('sync.server.signIn'), exact: true })).toBeVisible();
    await expect(page.getByRole('heading', { level: 3, name: t('sync.log.title') })).toBeVisible();
    // The sync log's entries are worded in the console's language too (the replica keeps their findings).
    await expect(page.getByTestId('sync-log')).toContainText(t('rules.sync_conflict_edit', { name: SECOND.name }));
  });
}
