import type { Language } from '../src-shared/languages';

/**
 * The run report an import source's run emails to the organisation's owners
 * and admins (see docs/IMPORT-SOURCES.md), in the server's three languages:
 * what the run did, its counts, never a link.
 */
export interface ImportReportMessages {
  subject: { succeeded: (source: string) => string; failed: (source: string) => string; 'needs-confirmation': (source: string) => string };
  read: (source: string, org: string, file: string) => string;
  failed: (source: string, org: string) => string;
  reason: string;
  counts: { created: string; updated: string; unchanged: string; rejected: string; deactivated: string };
  pending: (count: number, limit: number) => string;
  rejectedNote: string;
}

const en: ImportReportMessages = {
  subject: {
    succeeded: (source) => `Import "${source}": done`,
    failed: (source) => `Import "${source}": failed`,
    'needs-confirmation': (source) => `Import "${source}": waiting for your confirmation`,
  },
  read: (source, org, file) => `The import source "${source}" of ${org} imported ${file}.`,
  failed: (source, org) => `The import source "${source}" of ${org} could not import its file. Nothing of it was saved; the next run tries again.`,
  reason: 'Reason',
  counts: { created: 'New people', updated: 'Updated', unchanged: 'Unchanged', rejected: 'Rows rejected', deactivated: 'Deactivated' },
  pending: (count, limit) => `Missing from the file and not deactivated, as they are more than ${limit} % of the source’s people: ${count}. An owner or admin confirms their deactivation from the source’s runs.`,
  rejectedNote: 'The rejected rows and their reasons are in the run’s report (rejected.csv).',
};

const fr: ImportReportMessages = {
  subject: {
    succeeded: (source) => `Import « ${source} »\u202f: terminé`,
    failed: (source) => `Import « ${source} »\u202f: échec`,
    'needs-confirmation': (source) => `Import « ${source} »\u202f: votre confirmation est attendue`,
  },
  read: (source, org, file) => `La source d’import « ${source} » de ${org} a importé ${file}.`,
  failed: (source, org) => `La source d’import « ${source} » de ${org} n’a pas pu importer son fichier. Rien n’en a été enregistré\u202f; la prochaine exécution réessaiera.`,
  reason: 'Motif',
  counts: { created: 'Nouvelles personnes', updated: 'Mises à jour', unchanged: 'Inchangées', rejected: 'Lignes refusées', deactivated: 'Désactivées' },
  pending: (count, limit) => `Absentes du fichier et non désactivées, car elles dépassent ${limit}\u202f% des personnes de la source\u202f: ${count}. Un propriétaire ou un administrateur confirme leur désactivation depuis les exécutions de la source.`,
  rejectedNote: 'Les lignes refusées et leurs motifs figurent dans le rapport de l’exécution (rejected.csv).',
};

const nl: ImportReportMessages = {
  subject: {
    succeeded: (source) => `Import ‘${source}’: klaar`,
    failed: (source) => `Import ‘${source}’: mislukt`,
    'needs-confirmation': (source) => `Import ‘${source}’: wacht op uw bevestiging`,
  },
  read: (source, org, file) => `De importbron ‘${source}’ van ${org} heeft ${file} geïmporteerd.`,
  failed: (source, org) => `De importbron ‘${source}’ van ${org} kon haar bestand niet importeren. Er is niets van opgeslagen; de volgende run probeert het opnieuw.`,
  reason: 'Reden',
  counts: { created: 'Nieuwe personen', updated: 'Bijgewerkt', unchanged: 'Ongewijzigd', rejected: 'Geweigerde rijen', deactivated: 'Gedeactiveerd' },
  pending: (count, limit) => `Ontbreken in het bestand en niet gedeactiveerd, omdat ze meer dan ${limit} % van de personen van de bron zijn: ${count}. Een eigenaar of beheerder bevestigt hun deactivering bij de runs van de bron.`,
  rejectedNote: 'De geweigerde rijen en hun redenen staan in het rapport van de run (rejected.csv).',
};

export const IMPORT_REPORT_MESSAGES: Record<Language, ImportReportMessages> = { en_US: en, fr_BE: fr, nl_BE: nl };
