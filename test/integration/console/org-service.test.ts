/**
 * The console's organisation screens' channels (org:*, account:*) against a
 * real Roster server: the session the sync engine keeps, each answer checked,
 * each refusal kept with its finding for the console to word; offline,
 * working offline and signed out refused with a clear rule.
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { refusal, serverWithConsoles } from '../../support/console';

const fx = serverWithConsoles('Console Org');

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('the organisation screens’ channels', () => {
  it('signed out, or set to work offline, every call is refused with a clear rule and asks nothing of the server', async () => {
    const c = fx.signedOut();
    const out = await refusal(c, 'org:admins', {});
    expect(out).toMatchObject({ code: 'UNAUTHORIZED', details: { rule: { key: 'sync_sign_in_first' } } });
    await c.call('sync:connect', { serverUrl: fx.server.url, email: fx.org.email, password: fx.org.password });
    await c.call('sync:setWorkOffline', { offline: true });
    for (const name of ['org:settings', 'org:admins', 'account:sessions'] as const) {
      expect(await refusal(c, name, {})).toMatchObject({ code: 'OFFLINE', details: { rule: { key: 'sync_offline' } } });
    }
    expect(await refusal(c, 'org:audit', {})).toMatchObject({ code: 'OFFLINE' });
  });

  it('the server out of reach: NETWORK naming the server, and the console stays signed in', async () => {
    const c = await fx.signedIn();
    await fx.server.server.close();
    const error = await refusal(c, 'org:settings', {});
    expect(error.code).toBe('NETWORK');
    expect(error.details?.rule).toMatchObject({ key: 'server_unreachable', params: { url: fx.server.url } });
    expect((await c.call('sync:status', {})).connected).toBe(true);
    const port = await closedPort();
    const forgot = await refusal(c, 'account:forgotPassword', { serverUrl: `http://127.0.0.1:${port}`, email: fx.org.email });
    expect(forgot).toMatchObject({ code: 'NETWORK', details: { rule: { key: 'server_unreachable' } } });
    // The server is closed already; close() of the test server must not fail on it.
    fx.serverClosed();
  });

  it('admins: list with my role, invite (the email leaves), change a role, the server’s rules as findings, cancel, remove', async () => {
    const c = await fx.signedIn();
    const first = await c.call('org:admins', {});
    expect(first.me).toEqual({ email: fx.org.email, role: 'owner' });
    expect(first.admins.map((a) => [a.email, a.role])).toEqual([[fx.org.email, 'owner']]);
    expect(Number.isNaN(Date.parse(first.admins[0]?.since ?? ''))).toBe(false);

    const invited = await c.call('org:inviteAdmin', { email: '  New.Admin@Example.com ', role: 'admin' });
    expect(invited).toMatchObject({ email: 'new.admin@example.com', role: 'admin', expired: false });
    const [mail] = await fx.server.sink.waitFor(1);
    expect(mail?.envelopeTo).toEqual(['new.admin@example.com']);
    expect((await c.call('org:admins', {})).invitations.map((i) => i.email)).toEqual(['new.admin@example.com']);

    const taken = await refusal(c, 'org:inviteAdmin', { email: fx.org.email, role: 'viewer' });
    expect(taken).toMatchObject({ code: 'EMAIL_TAKEN', details: { rule: { key: 'admin_already_owner', params: { email: fx.org.email } }, fieldRules: { email: { key: 'admin_already_owner' } } } });
    const badRole = await refusal(c, 'org:inviteAdmin', { email: 'x@example.com', role: 'boss' as 'admin' });
    expect(badRole.code).toBe('VALIDATION_FAILED');
    expect(badRole.details?.fields).toHaveProperty('role');
    const badEmail = await refusal(c, 'org:inviteAdmin', { email: 'not an email', role: 'admin' });
    expect(badEmail.code).toBe('VALIDATION_FAILED');
    expect(badEmail.details?.fields?.email).toContain('not a valid email');

    const colleague = await fx.server.member(fx.org, 'admin');
    const listed = await c.call('org:admins', {});
    const their = listed.admins.find((a) => a.email === colleague.email);
    const mine = listed.admins.find((a) => a.email === fx.org.email);
    if (their === undefined || mine === undefined) throw new Error('admins missing');
    expect(await c.call('org:setRole', { accountId: their.accountId, role: 'viewer' })).toMatchObject({ email: colleague.email, role: 'viewer' });

    const demote = await refusal(c, 'org:setRole', { accountId: mine.accountId, role: 'admin' });
    expect(demote).toMatchObject({ code: 'FORBIDDEN', details: { rule: { key: 'last_owner_not_admin', params: { email: fx.org.email } } } });
    const removeMe = await refusal(c, 'org:removeAdmin', { accountId: mine.accountId });
    expect(removeMe).toMatchObject({ code: 'FORBIDDEN', details: { rule: { key: 'last_owner_not_removed' } } });

    expect(await c.call('org:cancelInvitation', { id: invited.id })).toEqual({ revoked: true });
    expect(await c.call('org:removeAdmin', { accountId: their.accountId })).toEqual({ removed: true });
    const after = await c.call('org:admins', {});
    expect(after.invitations).toEqual([]);
    expect(after.admins.map((a) => a.email)).toEqual([fx.org.email]);
    expect(await refusal(c, 'org:cancelInvitation', { id: invited.id })).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a viewer reads the admins and settings; changing them is refused with the role’s finding', async () => {
    const c = await fx.asMember('viewer');
    expect((await c.call('org:admins', {})).me.role).toBe('viewer');
    expect((await c.call('org:settings', {})).role).toBe('viewer');
    expect(await refusal(c, 'org:saveSettings', { change: { invitationLifetimeDays: 20 } })).toMatchObject({ code: 'FORBIDDEN', details: { rule: { key: 'role_read_only' } } });
    expect(await refusal(c, 'org:inviteAdmin', { email: 'someone@example.com', role: 'viewer' })).toMatchObject({ code: 'FORBIDDEN', details: { rule: { key: 'role_read_only' } } });
  });

  it('settings: read, a value out of range refused on its field (nothing saved), a good one saved and read back', async () => {
    const c = await fx.signedIn();
    const before = await c.call('org:settings', {});
    expect(before).toMatchObject({ name: 'Console Org', role: 'owner', inviteOnCreate: false });
    const tooLong = await refusal(c, 'org:saveSettings', { change: { invitationLifetimeDays: 400, name: 'Renamed' } });
    expect(tooLong.code).toBe('VALIDATION_FAILED');
    expect(tooLong.details?.fieldRules?.invitationLifetimeDays).toEqual({ key: 'value_too_large', params: { max: 365 } });
    expect(tooLong.details?.fields?.invitationLifetimeDays).toBe('invitationLifetimeDays must be a whole number of days from 1 to 365.');
    expect(await c.call('org:settings', {})).toEqual(before);
    const badLink = await refusal(c, 'org:saveSettings', { change: { appLinks: { web: 'http://example.com/app' } } });
    expect(badLink.details?.fieldRules).toHaveProperty(['appLinks.web']);

    const saved = await c.call('org:saveSettings', { change: { invitationLifetimeDays: 21, defaultPhoneCountry: 'be', inviteOnCreate: true, appLinks: { web: 'https://app.example.com/' } } });
    expect(saved).toMatchObject({ invitationLifetimeDays: 21, defaultPhoneCountry: 'BE', defaultPhoneCallingCode: '+32', inviteOnCreate: true, appLinks: { web: 'https://app.example.com/' } });
    expect(await c.call('org:settings', {})).toEqual(saved);
  });

  it('required attributes: saved on the server, and this console refuses a profile without them at once (no wait for its next refresh)', async () => {
    const c = await fx.signedIn();
    const department = await c.call('catalogues:save', { kind: 'department', draft: { code: 'OPS', name: 'Operations' } });
    const saved = await c.call('org:saveSettings', { change: { requiredAttributes: ['department'] } });
    expect(saved.requiredAttributes).toEqual(['department']);
    expect((await c.call('catalogues:list', {})).requiredAttributes).toEqual(['department']);
    const draft = { firstName: 'Ann', lastName: 'Lee', email: 'ann@example.com', language: 'en_US' };
    const missing = await refusal(c, 'profiles:create', { draft });
    expect(missing.details?.fieldRules?.department).toEqual({ key: 'required', params: { field: 'department' } });
    const created = await c.call('profiles:create', { draft: { ...draft, department: department.id } });
    expect(created.department).toBe(department.id);
    const bad = await refusal(c, 'org:saveSettings', { change: { requiredAttributes: ['shoeSize'] } as never });
    expect(bad.code).toBe('VALIDATION_FAILED');
    expect((await c.call('org:settings', {})).requiredAttributes).toEqual(['department']);
  });

  it('audit: paged newest first, filtered by action, who and profile; the CSV export is the server’s, with the same filters', async () => {
    const c = await fx.signedIn();
    for (const days of [10, 11, 12]) await c.call('org:saveSettings', { change: { invitationLifetimeDays: days } });
    const profile = await c.call('profiles:create', { draft: { firstName: 'Ann', lastName: 'Peeters', email: 'ann@example.com' } });
    await c.call('sync:now', {});

    const page = await c.call('org:audit', { limit: 2 });
    expect(page.entries).toHaveLength(2);
    expect(page.next).not.toBeNull();
    const [newest, second] = page.entries;
    expect((newest?.seq ?? 0) > (second?.seq ?? 0)).toBe(true);
    const older = await c.call('org:audit', { limit: 2, before: page.next ?? 0 });
    expect(older.entries[0]?.seq).toBeLessThan(second?.seq ?? 0);

    const settings = await c.call('org:audit', { filter: { action: 'organisation.settings_changed' } });
    expect(settings.entries.map((e) => e.details.after)).toEqual([{ invitation_lifetime_days: 12 }, { invitation_lifetime_days: 11 }, { invitation_lifetime_days: 10 }]);
    expect(settings.entries.every((e) => e.actorEmail === fx.org.email && e.client?.startsWith('Roster console'))).toBe(true);
    const byWho = await c.call('org:audit', { filter: { who: fx.org.email.toUpperCase() } });
    expect(byWho.entries.length).toBeGreaterThanOrEqual(4);
    const nobody = await c.call('org:audit', { filter: { who: 'nobody@example.com' } });
    expect(nobody).toEqual({ entries: [], next: null });
    const future = await c.call('org:audit', { filter: { from: '2999-01-01T00:00:00Z' } });
    expect(future.entries).toEqual([]);

    const history = await c.call('org:profileHistory', { profileId: profile.id });
    expect(history.entries.map((e) => e.action)).toEqual(['profile.created']);

    const file = await c.call('org:auditExport', { filter: { action: 'organisation.settings_changed' } });
    expect(file.fileName).toMatch(/^roster-audit-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = Buffer.from(file.base64, 'base64').toString('utf8');
    expect(csv.startsWith('\uFEFFseq,at,actor_type,')).toBe(true);
    expect(csv.trim().split('\r\n')).toHaveLength(4);
    const unknownAction = await refusal(c, 'org:auditExport', { filter: { action: 'nope' as 'profile.created' } });
    expect(unknownAction.code).toBe('VALIDATION_FAILED');
  });

  it('my password: a wrong current one and a weak new one refused with their findings; a good one works for the next sign-in', async () => {
    const c = await fx.signedIn();
    const other = await fx.signedIn();
    const wrong = await refusal(c, 'account:changePassword', { currentPassword: 'not it', newPassword: 'correct horse battery 42' });
    expect(wrong).toMatchObject({ code: 'VALIDATION_FAILED', details: { fieldRules: { currentPassword: { key: 'current_password_wrong' } } } });
    const weak = await refusal(c, 'account:changePassword', { currentPassword: fx.org.password, newPassword: 'short' });
    expect(weak).toMatchObject({ code: 'PASSWORD_REJECTED', details: { reason: 'too_short' } });
    expect(typeof weak.details?.limit).toBe('number');
    const changed = await c.call('account:changePassword', { currentPassword: fx.org.password, newPassword: 'correct horse battery 42' });
    expect(changed.otherSessionsEnded).toBeGreaterThanOrEqual(1);
    // This console stays signed in; the other one's session ended: its next call signs it out here too.
    expect((await c.call('org:settings', {})).name).toBe('Console Org');
    expect(await refusal(other, 'org:settings', {})).toMatchObject({ code: 'UNAUTHORIZED', details: { rule: { key: 'sync_log_session_ended' } } });
    expect((await other.call('sync:status', {})).connected).toBe(false);
    expect((await fx.server.signIn(fx.org.email, 'correct horse battery 42')).account.email).toBe(fx.org.email);
  });

  it('forgot password: the same answer for anyone; an admin gets the email', async () => {
    const c = fx.signedOut();
    expect(await c.call('account:forgotPassword', { serverUrl: `${fx.server.url}/`, email: 'nobody@example.com' })).toEqual({ requested: true });
    expect(await c.call('account:forgotPassword', { serverUrl: fx.server.url, email: fx.org.email })).toEqual({ requested: true });
    const [mail] = await fx.server.sink.waitFor(1);
    expect(mail?.envelopeTo).toEqual([fx.org.email]);
    expect(fx.server.sink.to('nobody@example.com')).toEqual([]);
    const insecure = await refusal(c, 'account:forgotPassword', { serverUrl: 'http://roster.example.com', email: fx.org.email });
    expect(insecure.code).toBe('VALIDATION_FAILED');
  });

  it('my sessions: listed with this one marked; ending another keeps me signed in; signing out everywhere signs this console out', async () => {
    const c = await fx.signedIn();
    await fx.signedIn();
    // The test's own sign-in (org.token) and the two consoles'.
    const sessions = await c.call('account:sessions', {});
    expect(sessions).toHaveLength(3);
    const current = sessions.filter((s) => s.current);
    expect(current).toHaveLength(1);
    const notMine = sessions.find((s) => !s.current);
    if (notMine === undefined) throw new Error('no other session');
    expect(await c.call('account:endSession', { id: notMine.id })).toEqual({ ended: true, signedOut: false });
    expect((await c.call('account:sessions', {})).map((s) => s.id)).not.toContain(notMine.id);
    expect((await c.call('sync:status', {})).connected).toBe(true);

    expect(await c.call('account:signOutEverywhere', {})).toEqual({ ended: 2 });
    expect((await c.call('sync:status', {})).connected).toBe(false);
    expect(await refusal(c, 'account:sessions', {})).toMatchObject({ code: 'UNAUTHORIZED', details: { rule: { key: 'sync_sign_in_first' } } });
  });

  it('ending this console’s own session by id signs it out here', async () => {
    const c = await fx.signedIn();
    const [mine] = await c.call('account:sessions', {});
    if (mine === undefined) throw new Error('no session');
    expect(await c.call('account:endSession', { id: mine.id })).toEqual({ ended: true, signedOut: true });
    expect((await c.call('sync:status', {})).connected).toBe(false);
  });
});
