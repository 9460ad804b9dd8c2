/**
 * The organisation screens' wording built from data: an audit entry's
 * details (a change as "field: before → after", a created profile's values
 * a line each), its action's name, and the server's admin refusals, in each
 * console language through a real i18next instance.
 */
import type { TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorText } from '../../../src-renderer/i18n/messages';
import { actionText, detailLines } from '../../../src-renderer/features/org/AuditEntries';
import type { ConsoleLanguage } from '../../../src-shared/console-languages';
import { errorFromWire } from '../../../src-shared/errors';
import { rule } from '../../../src-shared/messages';
import { consoleTranslators } from '../../support/i18n';

let ts: Record<ConsoleLanguage, TFunction>;

beforeAll(async () => {
  ts = await consoleTranslators();
});

describe('the audit log’s wording', () => {
  it('a settings change reads field: before → after; an empty value says so', () => {
    expect(detailLines(ts.en, { before: { invitation_lifetime_days: 7, name: '' }, after: { invitation_lifetime_days: 21, name: 'Acme' } })).toEqual([
      'invitation_lifetime_days: 7 → 21',
      'name: (empty) → Acme',
    ]);
    expect(detailLines(ts.fr, { before: { invitation_lifetime_days: 7 }, after: { invitation_lifetime_days: 21 } })).toEqual(['invitation_lifetime_days\u202f: 7 → 21']);
  });

  it('a role change reads before → after, then its other details; a created profile’s values a line each', () => {
    expect(detailLines(ts.nl, { email: 'a@example.com', before: 'admin', after: 'viewer' })).toEqual(['admin → viewer', 'email: a@example.com']);
    expect(detailLines(ts.es, { values: { firstName: 'Ann', phone: null, tags: ['x'] } })).toEqual(['firstName: Ann', 'phone: (vacío)', 'tags: ["x"]']);
  });

  it('actions are named in the reader’s language; a newer server’s action as it came', () => {
    expect(actionText(ts.en, 'admin.role_changed')).toBe('Role changed');
    expect(actionText(ts.fr, 'organisation.settings_changed')).toBe('Paramètres modifiés');
    expect(actionText(ts.nl, 'profile.created')).toBe('Profiel aangemaakt');
    expect(actionText(ts.es, 'invitation.confirmed')).toBe('Invitación confirmada');
    // SCIM's and the import sources' actions too.
    expect(actionText(ts.nl, 'import_source.run')).toBe('HR-bestand geïmporteerd');
    expect(actionText(ts.fr, 'scim_token.revoked')).toBe('Jeton SCIM révoqué');
    expect(actionText(ts.es, 'profile.deactivated')).toBe('Perfil desactivado');
    expect(actionText(ts.en, 'robot.danced')).toBe('robot.danced');
  });

  it('the server’s admin refusals read in each language', () => {
    const lastOwner = errorFromWire('FORBIDDEN', 'x is the last owner…', { rule: rule('last_owner_not_removed', { email: 'boss@example.com' }) });
    expect(errorText(ts.en, lastOwner)).toBe('boss@example.com is the last owner and cannot be removed. The organisation needs at least one owner: make another admin an owner first.');
    expect(errorText(ts.fr, lastOwner)).toContain('boss@example.com est le dernier propriétaire');
    expect(errorText(ts.nl, lastOwner)).toContain('boss@example.com is de laatste eigenaar');
    expect(errorText(ts.es, lastOwner)).toContain('boss@example.com es el último propietario');
    const readOnly = errorFromWire('FORBIDDEN', 'Your role can read but not change this organisation.', { rule: rule('role_read_only', {}) });
    expect(errorText(ts.nl, readOnly)).toBe('Met uw rol kunt u deze organisatie bekijken, maar niet wijzigen.');
  });
});
