/**
 * The console's strings, one file per language and area. Each area becomes
 * the first part of its keys (`import.mapping.title` lives in
 * `locales/<lang>/import.json` as `mapping.title`). English is the reference:
 * its shape types every `t()` key, and `test/unit/i18n` checks that the other
 * languages have exactly the same keys (plural forms per language aside).
 */
import enCommon from './locales/en/common.json';
import enProfiles from './locales/en/profiles.json';
import enImport from './locales/en/import.json';
import enSync from './locales/en/sync.json';
import enDashboard from './locales/en/dashboard.json';
import enErrors from './locales/en/errors.json';
import enOrg from './locales/en/org.json';
import frCommon from './locales/fr/common.json';
import frProfiles from './locales/fr/profiles.json';
import frImport from './locales/fr/import.json';
import frSync from './locales/fr/sync.json';
import frDashboard from './locales/fr/dashboard.json';
import frRules from './locales/fr/rules.json';
import frErrors from './locales/fr/errors.json';
import frOrg from './locales/fr/org.json';
import nlCommon from './locales/nl/common.json';
import nlProfiles from './locales/nl/profiles.json';
import nlImport from './locales/nl/import.json';
import nlSync from './locales/nl/sync.json';
import nlDashboard from './locales/nl/dashboard.json';
import nlRules from './locales/nl/rules.json';
import nlErrors from './locales/nl/errors.json';
import nlOrg from './locales/nl/org.json';
import esCommon from './locales/es/common.json';
import esProfiles from './locales/es/profiles.json';
import esImport from './locales/es/import.json';
import esSync from './locales/es/sync.json';
import esDashboard from './locales/es/dashboard.json';
import esRules from './locales/es/rules.json';
import esErrors from './locales/es/errors.json';
import esOrg from './locales/es/org.json';
import type { ConsoleLanguage } from '../../src-shared/console-languages';
import { RULE_TEMPLATES } from '../../src-shared/messages';

export const english = {
  common: enCommon,
  profiles: enProfiles,
  import: enImport,
  sync: enSync,
  dashboard: enDashboard,
  // The shared rules' English templates themselves (src-shared/messages.ts): their English exists once.
  rules: RULE_TEMPLATES,
  errors: enErrors,
  org: enOrg,
};



type Tree = { readonly [key: string]: string | Tree };

export const resources: Record<ConsoleLanguage, Record<keyof typeof english, Tree>> = {
  en: english,
  fr: { common: frCommon, profiles: frProfiles, import: frImport, sync: frSync, dashboard: frDashboard, rules: frRules, errors: frErrors, org: frOrg },
  nl: { common: nlCommon, profiles: nlProfiles, import: nlImport, sync: nlSync, dashboard: nlDashboard, rules: nlRules, errors: nlErrors, org: nlOrg },
  es: { common: esCommon, profiles: esProfiles, import: esImport, sync: esSync, dashboard: esDashboard, rules: esRules, errors: esErrors, org: esOrg },
};
