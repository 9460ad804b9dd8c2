import { join } from 'node:path';
import { openDatabase } from '../../../src-main/db/database';
import { migrate } from '../../../src-main/db/migrations';
import { profilesRepo } from '../../../src-main/db/profiles.repo';
import type { StoredProfile } from '../../../src-main/core/ports';
import type { Language } from '../../../src-shared/languages';
import { noAttributeValues } from '../../../src-shared/profile-values';

const DAY = 86_400_000;
const HOUR = 3_600_000;

type Showcase = [first: string, last: string, language: Language, tags: string[], status: 'not_invited' | 'pending' | 'expiring' | 'expired' | 'confirmed', invitedDaysAgo: number];

/** A Brussels facilities team as an admin would have it: names, sites and shifts, every status, invitations over the last weeks. */
const PEOPLE: Showcase[] = [
  ['Amélie', 'Dubois', 'fr_BE', ['Bruxelles', 'Reception'], 'confirmed', 26],
  ['Bram', 'Peeters', 'nl_BE', ['Gent', 'Night shift'], 'confirmed', 24],
  ['Chloé', 'Martin', 'fr_BE', ['Bruxelles'], 'confirmed', 21],
  ['Dries', 'Vermeulen', 'nl_BE', ['Antwerpen', 'Maintenance'], 'confirmed', 19],
  ['Elise', 'Jacobs', 'nl_BE', ['Gent'], 'confirmed', 15],
  ['Florian', 'Lambert', 'fr_BE', ['Liège', 'Parking'], 'confirmed', 12],
  ['Griet', 'De Smet', 'nl_BE', ['Gent', 'Reception'], 'confirmed', 9],
  ['Hugo', 'Claes', 'nl_BE', ['Antwerpen'], 'confirmed', 6],
  ['Inès', 'Lemaire', 'fr_BE', ['Liège'], 'confirmed', 4],
  ['Jonas', 'Maes', 'nl_BE', ['Antwerpen', 'Night shift'], 'confirmed', 2],
  ['Karim', 'El Amrani', 'fr_BE', ['Bruxelles', 'Maintenance'], 'pending', 3],
  ['Lien', 'Willems', 'nl_BE', ['Gent'], 'pending', 2],
  ['Mathilde', 'Renard', 'fr_BE', ['Bruxelles', 'Parking'], 'pending', 1],
  ['Nathan', 'Goossens', 'nl_BE', ['Antwerpen'], 'pending', 1],
  ['Olivia', 'Dupont', 'fr_BE', ['Liège', 'Reception'], 'expiring', 6],
  ['Pieter', 'Wouters', 'nl_BE', ['Gent', 'Night shift'], 'expiring', 6],
  ['Quentin', 'Mertens', 'fr_BE', ['Bruxelles'], 'expired', 16],
  ['Roos', 'Van Damme', 'nl_BE', ['Antwerpen'], 'expired', 11],
  ['Sofia', 'Rossi', 'en_US', ['Bruxelles', 'Maintenance'], 'not_invited', 0],
  ['Thomas', 'Leclercq', 'fr_BE', ['Liège', 'Night shift'], 'not_invited', 0],
  ['Ugo', 'Simon', 'fr_BE', ['Bruxelles'], 'not_invited', 0],
  ['Véronique', 'Hermans', 'nl_BE', ['Gent', 'Parking'], 'not_invited', 0],
  ['Wout', 'Desmet', 'nl_BE', ['Antwerpen', 'Reception'], 'not_invited', 0],
  ['Yasmine', 'Benali', 'fr_BE', ['Bruxelles', 'Night shift'], 'not_invited', 0],
  ['Zoé', 'Collignon', 'fr_BE', ['Liège'], 'not_invited', 0],
];

const plain = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]+/g, '');

/**
 * Writes a small, lifelike directory straight into a data dir's replica,
 * before Roster starts on it (for screenshots): 25 people at four sites, of
 * every status, invited and confirmed over the last four weeks, two
 * invitations ending within 48 hours. They exist on this console only.
 */
export function seedShowcase(dataDir: string, now = Date.now()): void {
  const db = openDatabase(join(dataDir, 'roster.sqlite'));
  const at = (ms: number): string => new Date(ms).toISOString();
  try {
    migrate(db);
    db.transaction(() => {
      PEOPLE.forEach(([firstName, lastName, language, tags, status, daysAgo], i) => {
        const n = String(i + 1).padStart(2, '0');
        const invited = status === 'not_invited' ? null : now - daysAgo * DAY - (i % 5) * HOUR;
        const expires = invited === null ? null : status === 'expiring' ? now + 30 * HOUR : invited + 7 * DAY;
        const profile: StoredProfile = {
          id: `5c0a5e00-0000-4000-8000-0000000000${n}`,
          firstName,
          lastName,
          email: `${plain(firstName)}.${plain(lastName)}@horta-facilities.be`,
          phone: `+3247${String(i % 10)}${String(10 + i)}${String(20 + i)}${String(30 + i)}`,
          tags,
          externalId: `HR-${String(1040 + i * 7)}`,
          username: null,
          language,
          ...noAttributeValues(),
          status: status === 'confirmed' ? 'confirmed' : invited === null ? 'not_invited' : 'pending',
          invitedAt: invited === null ? null : at(invited),
          invitationExpiresAt: expires === null ? null : at(expires),
          confirmedAt: status === 'confirmed' && invited !== null ? at(invited + (1 + (i % 3)) * DAY) : null,
          version: 1,
          createdAt: at(now - 40 * DAY),
          updatedAt: at(invited ?? now - 40 * DAY),
        };
        profilesRepo.insert(db, profile);
      });
    })();
  } finally {
    db.close();
  }
}
