/**
 * The sync screens' wording that does not come from a key alone: what the
 * status bar announces to screen readers (changes of state, not the ticking
 * of a sync), and a conflict's headline built from its kind, code and sides,
 * in each console language through a real i18next instance.
 */
import type { TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatters } from '../../../src-renderer/i18n/format';
import { conflictHeadline, syncAnnouncement } from '../../../src-renderer/features/sync/words';
import type { ConsoleLanguage } from '../../../src-shared/console-languages';
import { syncText } from '../../../src-shared/contract/sync';
import type { ConflictView, SyncStatus } from '../../../src-shared/contract/sync';
import { errorFromWire } from '../../../src-shared/errors';
import { rule } from '../../../src-shared/messages';
import { consoleTranslators } from '../../support/i18n';
import { syncTextOf } from '../../../src-renderer/i18n/messages';
import type { Profile, ProfileValues } from '../../../src-shared/profile';
import { noAttributeValues } from '../../../src-shared/profile-values';

let ts: Record<ConsoleLanguage, TFunction>;

beforeAll(async () => {
  ts = await consoleTranslators();
});

const status = (patch: Partial<SyncStatus> = {}): SyncStatus => ({
  connected: true,
  serverUrl: 'https://roster.example.org',
  account: 'owner@example.org',
  organisation: { id: '0b0c5f5e-8d43-4a55-9e77-0a6c1e1f2b3c', name: 'Acme', role: 'owner' },
  online: true,
  workOffline: false,
  syncing: false,
  received: null,
  indexing: false,
  waiting: { mutations: 0, invitations: 0, blocked: 0 },
  openConflicts: 0,
  offlineDecisions: { catalogues: 0, rules: 0 },
  undeliveredInvitations: 0,
  lastSyncAt: '2026-03-01T10:00:00.000Z',
  lastError: null,
  nextAttemptAt: null,
  tokenStorage: 'os-encrypted',
  ...patch,
});

describe('the status bar announcement', () => {
  const en = (s: SyncStatus): string => syncAnnouncement(ts.en, formatters('en-GB'), s);

  it('stays the same while a sync runs, receives rows and ends (nothing to re-announce every few seconds)', () => {
    const settled = en(status());
    expect(settled).toBe('Online');
    expect(en(status({ syncing: true }))).toBe(settled);
    expect(en(status({ syncing: true, received: 1200 }))).toBe(settled);
    expect(en(status({ syncing: true, received: 98_000 }))).toBe(settled);
    expect(en(status({ lastSyncAt: '2026-03-01T10:00:15.000Z', nextAttemptAt: '2026-03-01T10:00:30.000Z' }))).toBe(settled);
    expect(en(status({ waiting: { mutations: 3, invitations: 1, blocked: 0 } }))).toBe(settled);
  });

  it('changes, and so is announced, when the connection changes, conflicts arrive or an error happens', () => {
    expect(en(status({ connected: false, online: null }))).toBe('Not connected');
    expect(en(status({ workOffline: true }))).toBe('Working offline');
    expect(en(status({ online: false }))).toBe('Offline');
    expect(en(status({ online: null }))).toBe('Connecting…');
    expect(en(status({ openConflicts: 2 }))).toBe('Online. 2 conflicts to review');
    // An error an older console stored (English only) is said as it was stored.
    expect(en(status({ online: false, lastError: { message: 'The server cannot be reached.', rule: null, cause: null } }))).toBe('Offline. The server cannot be reached.');
  });

  it('is said in the console language, with its plural forms and number format', () => {
    expect(syncAnnouncement(ts.fr, formatters('fr-BE'), status({ openConflicts: 1 }))).toBe('En ligne. 1 conflit à examiner');
    expect(syncAnnouncement(ts.fr, formatters('fr-BE'), status({ openConflicts: 1500, online: false }))).toBe('Hors ligne. 1\u202f500 conflits à examiner');
    expect(syncAnnouncement(ts.nl, formatters('nl-BE'), status({ openConflicts: 2 }))).toBe('Online. 2 conflicten te bekijken');
    expect(syncAnnouncement(ts.es, formatters('es-ES'), status({ connected: false }))).toBe('Sin conexión al servidor');
  });
});

describe('what the sync said (the log, the last error)', () => {
  const unreachable = syncText(rule('sync_log_unreachable', { detail: 'connect ECONNREFUSED 127.0.0.1:9' }));
  // A push refused by the server: the English quotes the server's message, the console words the server's finding.
  const refusedCause = errorFromWire('VALIDATION_FAILED', 'Email is required.', { rule: { key: 'required', params: { field: 'email' } }, holderId: 'dropped' });
  const refused = syncText(rule('sync_conflict_refused', { name: 'Hanne Goossens', reason: refusedCause.message }), refusedCause);

  it('is said in the console language, the error it quotes included, and in English as it was stored', () => {
    expect(unreachable.message).toBe('The server cannot be reached (connect ECONNREFUSED 127.0.0.1:9). Your changes wait here and are sent when it answers.');
    expect(syncTextOf(ts.en, unreachable)).toBe(unreachable.message);
    expect(syncTextOf(ts.fr, unreachable)).toContain('connect ECONNREFUSED 127.0.0.1:9');
    expect(syncTextOf(ts.fr, unreachable)).not.toBe(unreachable.message);
    expect(refused.message).toBe('The server refused a change to Hanne Goossens: Email is required.');
    expect(refusedCause.details).toEqual({ rule: { key: 'required', params: { field: 'email' } } });
    for (const lng of ['fr', 'nl', 'es'] as const) {
      const said = syncTextOf(ts[lng], refused);
      expect(said).toContain('Hanne Goossens');
      expect(said).not.toContain('Email is required');
      expect(said).toContain(ts[lng]('rules.required', { field: ts[lng]('rules.field_email') }));
    }
    expect(syncAnnouncement(ts.nl, formatters('nl-BE'), status({ online: false, lastError: unreachable }))).toBe(`Offline. ${syncTextOf(ts.nl, unreachable)}`);
  });

  it('words the counts of a sent batch in the reader’s number format', () => {
    const sent = syncText(rule('sync_log_invitations_sent', { invited: 1500, skipped: 2 }));
    expect(sent.message).toBe('Invitations sent: 1,500 invited, 2 skipped.');
    expect(syncTextOf(ts.fr, sent)).toContain('1\u202f500');
  });
});

describe('a conflict headline', () => {
  const values = (firstName: string, lastName: string, email: string, externalId: string | null = null): ProfileValues => ({
    firstName,
    lastName,
    email,
    phone: null,
    tags: [],
    externalId,
    username: null,
    language: 'fr_BE',
    ...noAttributeValues(),
  });
  const server = (v: ProfileValues): Profile => ({
    ...v,
    id: '5d1f6e43-2a4b-4c1d-8e9f-0a1b2c3d4e5f',
    status: 'not_invited',
    invitedAt: null,
    invitationExpiresAt: null,
    confirmedAt: null,
    version: 3,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-02T00:00:00.000Z',
  });
  const conflict = (patch: Partial<ConflictView>): ConflictView => ({
    id: '7f3e2d1c-0b9a-4877-8665-544332211000',
    entityId: '5d1f6e43-2a4b-4c1d-8e9f-0a1b2c3d4e5f',
    kind: 'edit',
    message: '',
    code: null,
    cause: null,
    base: {},
    mine: values('Hanne', 'Goossens', 'hanne@example.com'),
    theirs: null,
    overlapping: [],
    holderId: null,
    entryNames: {},
    seatHolders: [],
    createdAt: '2026-03-01T10:00:00.000Z',
    ...patch,
  });

  it('in English says what the sync said when it opened the conflict', () => {
    expect(conflictHeadline(ts.en, conflict({ kind: 'edit' }))).toBe('Hanne Goossens was changed here and on the server.');
    expect(conflictHeadline(ts.en, conflict({ kind: 'edit', mine: null, theirs: server(values('Hanne', 'Peeters', 'hanne@example.com')) }))).toBe(
      'Hanne Peeters was changed on the server after you deleted it here.',
    );
    expect(conflictHeadline(ts.en, conflict({ kind: 'edit_deleted' }))).toBe('Hanne Goossens was deleted on the server while you edited it here.');
    expect(conflictHeadline(ts.en, conflict({ kind: 'edit_deleted', code: 'NOT_FOUND' }))).toBe('Hanne Goossens no longer exists on the server.');
    expect(conflictHeadline(ts.en, conflict({ kind: 'create_taken', code: 'EMAIL_TAKEN', theirs: server(values('Bram', 'Peeters', 'hanne@example.com')) }))).toBe(
      'Hanne Goossens, created here, has the email hanne@example.com, which Bram Peeters already has on the server.',
    );
  });

  it('names the taken value (email or external ID) and, when known, who holds it, in each language', () => {
    const taken = conflict({ kind: 'create_taken', code: 'EXTERNAL_ID_TAKEN', mine: values('Hanne', 'Goossens', 'hanne@example.com', 'HR-7') });
    expect(conflictHeadline(ts.fr, taken)).toBe('Hanne Goossens, créé ici, a l’identifiant externe HR-7, qu’un autre profil a déjà sur le serveur.');
    expect(conflictHeadline(ts.nl, taken)).toBe('Hanne Goossens, hier aangemaakt, heeft de externe ID HR-7, die een ander profiel op de server al heeft.');
    expect(conflictHeadline(ts.es, conflict({ kind: 'rejected', code: 'VALIDATION_FAILED' }))).toBe('El servidor rechazó un cambio en Hanne Goossens.');
  });
  it('names a taken username and who holds it in each language', () => {
    const mine = { ...values('Hanne', 'Goossens', 'hanne@example.com'), username: 'hanne.g' };
    const taken = conflict({ kind: 'create_taken', code: 'USERNAME_TAKEN', mine, theirs: server({ ...values('Bram', 'Peeters', 'bram@example.com'), username: 'hanne.g' }) });
    expect(conflictHeadline(ts.en, taken)).toBe('Hanne Goossens, created here, has the username hanne.g, which Bram Peeters already has on the server.');
    expect(conflictHeadline(ts.fr, taken)).toBe('Hanne Goossens, créé ici, a le nom d’utilisateur hanne.g, que Bram Peeters a déjà sur le serveur.');
    expect(conflictHeadline(ts.nl, taken)).toBe('Hanne Goossens, hier aangemaakt, heeft de gebruikersnaam hanne.g, die Bram Peeters op de server al heeft.');
    expect(conflictHeadline(ts.es, taken)).toBe('Hanne Goossens, creado aquí, tiene el nombre de usuario hanne.g, que Bram Peeters ya tiene en el servidor.');
    expect(conflictHeadline(ts.en, conflict({ kind: 'create_taken', code: 'USERNAME_TAKEN', mine }))).toBe(
      'Hanne Goossens, created here, has the username hanne.g, which another profile already has on the server.',
    );
  });
});
