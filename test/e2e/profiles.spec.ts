import { expect, test } from './support/fixtures';
import { ProfilesPage } from './support/pages';

test('create, find, search and edit a profile; it survives a restart', async ({ page, roster }) => {
  await page.goto(roster.host.launchUrl);
  await expect(page.getByTestId('run-mode')).toHaveText(/browser mode/i);
  await expect(page.getByTestId('empty-state')).toBeVisible();

  const profiles = new ProfilesPage(page);
  const form = await profiles.openNew();
  await form.fill({ firstName: 'Amélie', lastName: 'Dubois', email: 'Amelie.Dubois@Example.BE', phoneCountryCode: '+32', phoneNumber: '0470 12 34 56', externalId: 'HR-0042', tags: ['Parking', 'Night shift'] });
  await form.submit();

  // The profile page shows what was stored: email lower-cased, phone in international form, status Not invited.
  await expect(page.getByRole('heading', { name: 'Amélie Dubois' })).toBeVisible();
  const details = page.getByTestId('profile-details');
  await expect(details).toContainText('amelie.dubois@example.be');
  await expect(details).toContainText('+32 470 12 34 56');
  await expect(details).toContainText('Parking, Night shift');
  await expect(page.getByTestId('status-badge').first()).toHaveText('Not invited');

  await profiles.goto();
  await profiles.openNew();
  await form.fill({ firstName: 'Bram', lastName: 'Peeters', email: 'bram.peeters@example.be' });
  await form.submit();
  await expect(page.getByRole('heading', { name: 'Bram Peeters' })).toBeVisible();

  await profiles.goto();
  await expect(profiles.rows()).toHaveCount(2);
  await expect(profiles.row('Amélie Dubois')).toContainText('HR-0042');

  // Search by part of a name, by email, and by external ID.
  await profiles.search('dubo');
  await expect(profiles.rows()).toHaveCount(1);
  await expect(profiles.rows().first()).toContainText('Amélie Dubois');
  await profiles.search('bram.pee');
  await expect(profiles.rows()).toHaveCount(1);
  await expect(profiles.rows().first()).toContainText('Bram Peeters');
  await profiles.search('HR-0042');
  await expect(profiles.rows()).toHaveCount(1);
  await profiles.search('nobody-here');
  await expect(page.getByTestId('no-results')).toBeVisible();
  await profiles.search('');
  await expect(profiles.rows()).toHaveCount(2);

  // Edit: open the profile, change the last name and a tag.
  await profiles.row('Bram Peeters').click();
  await page.getByRole('button', { name: 'Edit' }).click();
  await form.field('Last name').fill('Peeters-Janssens');
  await form.submit('Save changes');
  await expect(page.getByRole('heading', { name: 'Bram Peeters-Janssens' })).toBeVisible();

  // Restart Roster on the same data dir: everything is still there.
  await roster.restart();
  await page.goto(roster.host.launchUrl);
  // With profiles, the console opens on the Dashboard.
  await expect(page.getByRole('heading', { name: 'Dashboard', level: 2 })).toBeVisible();
  await profiles.goto();
  await expect(profiles.rows()).toHaveCount(2);
  await expect(profiles.row('Peeters-Janssens')).toBeVisible();
  await expect(profiles.row('Amélie Dubois')).toContainText('+32 470 12 34 56');
});

test('a duplicate email and an invalid phone each get a clear message and nothing is saved', async ({ page, roster }) => {
  await page.goto(roster.host.launchUrl);
  const profiles = new ProfilesPage(page);
  const form = await profiles.openNew();
  await form.fill({ firstName: 'Chloé', lastName: 'Martin', email: 'chloe.martin@example.be' });
  await form.submit();
  await expect(page.getByRole('heading', { name: 'Chloé Martin' })).toBeVisible();

  // Same email in another case.
  await profiles.goto();
  await profiles.openNew();
  await form.fill({ firstName: 'Chloe', lastName: 'Martin-Bis', email: 'CHLOE.MARTIN@example.be' });
  await form.submit();
  await expect(page.getByTestId('form-error')).toContainText('Nothing was saved');
  await expect(await form.errorOf('Email')).toHaveText('Another profile already uses chloe.martin@example.be.');

  // An invalid phone number, named on its field.
  await form.field('Email').fill('someone.else@example.be');
  await form.field('Phone number').fill('12');
  await form.submit();
  await expect(page.getByTestId('form-error')).toContainText('Nothing was saved');
  await expect(await form.errorOf('Phone number')).toContainText('is not a valid phone number');

  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(profiles.rows()).toHaveCount(1);
  await expect(profiles.rows().first()).toContainText('Chloé Martin');
});
