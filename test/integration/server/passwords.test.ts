import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../src-shared/errors';
import { addMemberWithPassword, createOrganisation } from '../../../src-server/services/organisations';
import { BACKENDS, build, createMutation, inviteMutation } from '../../support/roster-server';
import type { TestServer } from '../../support/roster-server';

describe.each(BACKENDS)('password rules where passwords are set, on %s', (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await build(backend);
  });
  afterAll(async () => {
    await t.close();
  });

  async function invitationPath(language: 'en_US' | 'fr_BE' | 'nl_BE' = 'en_US'): Promise<{ path: string; email: string }> {
    const org = await t.organisation('Harbour Rowing Club');
    const email = `zoe.janssens.${randomUUID().slice(0, 6)}@example.com`;
    const create = createMutation({ firstName: 'Zoë', lastName: 'Janssens', email, language });
    await t.request('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'pw-console', mutations: [create, inviteMutation([create.entityId])] } });
    const deadline = Date.now() + 15_000;
    while (t.sink.to(email).length === 0) {
      if (Date.now() > deadline) throw new Error('no invitation email');
      await new Promise((r) => setTimeout(r, 50));
    }
    const link = t.sink.to(email)[0]?.links.find((l) => l.includes('/invite/')) ?? '';
    return { path: new URL(link).pathname, email };
  }

  it('the invitation page refuses repetitive, sequential, common and context passwords, saying why, and the link keeps working', async () => {
    const { path } = await invitationPath();
    for (const [password, reason, says] of [
      ['aaaaaaaaaaaa', 'repetitive', 'repeats the same characters'],
      ['123456789012', 'sequential', 'is a sequence'],
      ['qwertyuiop12', 'sequential', 'is a sequence'],
      ['Password1234!', 'common', 'most used passwords'],
      ['iloveyou2024', 'common', 'most used passwords'],
      ['Zoe Janssens 1990', 'context', 'made of your name'],
      ['harbourrowing2024', 'context', 'the organisation’s name'],
      ['Roster2024!!', 'context', '“Roster”'],
    ] as const) {
      const res = await t.request('POST', path, { form: { password, confirm: password } });
      expect(res.status, password).toBe(422);
      expect(res.text, password).toContain(`data-error="${reason}"`);
      expect(res.text, password).toContain(says);
    }
    expect((await t.request('GET', path)).status).toBe(200);
    const done = await t.request('POST', path, { form: { password: 'gravel orbit lantern', confirm: 'gravel orbit lantern' } });
    expect(done.text).toContain('data-state="done"');
  });

  it('says it in the person’s language', async () => {
    const fr = await invitationPath('fr_BE');
    expect((await t.request('POST', fr.path, { form: { password: 'motdepasse2024', confirm: 'motdepasse2024' } })).text).toContain('l’un des plus utilisés');
    const nl = await invitationPath('nl_BE');
    expect((await t.request('POST', nl.path, { form: { password: 'wachtwoord2024', confirm: 'wachtwoord2024' } })).text).toContain('meest gebruikte wachtwoorden');
  });

  it('creating an organisation or adding an admin with a weak password is refused with PASSWORD_REJECTED, and nothing is created', async () => {
    const ownerEmail = `weak-owner-${randomUUID().slice(0, 6)}@example.com`;
    for (const [password, reason] of [
      ['password1234', 'common'],
      ['aaaaaaaaaaaa', 'repetitive'],
      [`${ownerEmail.split('@')[0] ?? ''}2024`, 'context'],
    ] as const) {
      const attempt = createOrganisation(t.server.ctx, { name: 'Weak Org', ownerEmail, ownerPassword: password });
      await expect(attempt).rejects.toBeInstanceOf(AppError);
      await expect(attempt).rejects.toMatchObject({ code: 'PASSWORD_REJECTED', details: { reason } });
    }
    expect(await t.server.db.db.selectFrom('organisations').select('id').where('name', '=', 'Weak Org').execute()).toEqual([]);
    expect(await t.server.db.db.selectFrom('accounts').select('id').where('email', '=', ownerEmail).execute()).toEqual([]);

    const org = await t.organisation('Strong Org');
    const adminEmail = `weak-admin-${randomUUID().slice(0, 6)}@example.com`;
    await expect(addMemberWithPassword(t.server.ctx, org.organisationId, { email: adminEmail, password: 'Sunshine!2024', role: 'admin' })).rejects.toMatchObject({ code: 'PASSWORD_REJECTED', details: { reason: 'common' } });
    await expect(addMemberWithPassword(t.server.ctx, org.organisationId, { email: adminEmail, password: 'strongorg-strongorg', role: 'admin' })).rejects.toMatchObject({ code: 'PASSWORD_REJECTED' });
    expect(await t.server.db.db.selectFrom('accounts').select('id').where('email', '=', adminEmail).execute()).toEqual([]);
  });
});
