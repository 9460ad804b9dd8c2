import type { TFunction } from 'i18next';
import { LANGUAGES } from '../../../src-shared/languages';
import type { Language } from '../../../src-shared/languages';
import type { ApiError } from '../../../src-shared/errors';
import type {
  Delimiter,
  DiffStatus,
  ImportFailureReason,
  ImportHistoryStatus,
  ImportPhase,
  LanguageValue,
  MappingTarget,
  MatchReason,
  TextEncoding,
} from '../../../src-shared/import';
import { IMPORT_FAILURE_REASONS } from '../../../src-shared/import';
import type { ProfileField } from '../../../src-shared/profile';
import type { AttributeField } from '../../../src-shared/attributes';
import { FIELD_KEYS } from '../../components/values';
import type { Formatters } from '../../i18n/format';
import { errorText } from '../../i18n/messages';

/** Words the import screens use, in one place: each a whole i18next key, worded in the console language where it is shown. */

/** Words made when they are shown, so they follow the console language (busy labels, notices, the renderer's own failures). */
export type Words = (t: TFunction, fmt: Formatters) => string;

export const FIELD_LABELS = {
  firstName: 'import.fields.firstName',
  lastName: 'import.fields.lastName',
  email: 'import.fields.email',
  phoneCountryCode: 'import.fields.phoneCountryCode',
  phoneNumber: 'import.fields.phoneNumber',
  tags: 'import.fields.tags',
  externalId: 'import.fields.externalId',
  username: 'import.fields.username',
  language: 'import.fields.language',
} as const satisfies Record<ProfileField, string>;

/** An attribute by its name in the catalogues' words. */
const { accessRights, department, jobProfile, permissionType, userGroup, paymentMethods, licences } = FIELD_KEYS;
export const ATTRIBUTE_LABELS = { accessRights, department, jobProfile, permissionType, userGroup, paymentMethods, licences } as const satisfies Record<AttributeField, string>;

/** A field or an attribute, as a message or a cell names it. */
export const ISSUE_FIELD_LABELS = { ...FIELD_LABELS, ...ATTRIBUTE_LABELS } as const satisfies Record<ProfileField | AttributeField, string>;

export const TARGET_LABELS = {
  ...FIELD_LABELS,
  fullName: 'import.fields.fullName',
  ...ATTRIBUTE_LABELS,
  oneTimePassword: 'import.fields.oneTimePassword',
  ignore: 'import.fields.ignore',
} as const satisfies Record<MappingTarget, string>;

export const MATCH_REASON_LABELS = {
  header: 'import.mapping.byHeader',
  values: 'import.mapping.byValues',
  'header+values': 'import.mapping.byBoth',
  remembered: 'import.mapping.remembered',
  manual: 'import.mapping.manual',
  none: 'import.mapping.none',
} as const satisfies Record<MatchReason, string>;

export const LANGUAGE_REASON_LABELS = {
  exact: 'import.values.exact',
  'known-name': 'import.values.knownName',
  remembered: 'import.values.remembered',
  manual: 'import.values.manual',
  default: 'import.values.default',
  unknown: 'import.values.unknown',
} as const satisfies Record<LanguageValue['reason'], string>;

export const STATUS_LABELS = {
  pending: 'import.status.pending',
  new: 'import.status.new',
  update: 'import.status.update',
  unchanged: 'import.status.unchanged',
  conflict: 'import.status.conflict',
  invalid: 'import.status.invalid',
  excluded: 'import.status.excluded',
} as const satisfies Record<DiffStatus, string>;

export const STATUS_COLORS: Record<DiffStatus, string> = {
  pending: 'gray',
  new: 'green',
  update: 'blue',
  unchanged: 'gray',
  conflict: 'orange',
  invalid: 'red',
  excluded: 'gray',
};

export const HISTORY_STATUS_LABELS = {
  running: 'import.history.running',
  completed: 'import.history.completed',
  cancelled: 'import.history.cancelled',
  failed: 'import.history.failed',
  undone: 'import.history.undone',
} as const satisfies Record<ImportHistoryStatus, string>;

export const HISTORY_STATUS_COLORS: Record<ImportHistoryStatus, string> = {
  running: 'blue',
  completed: 'green',
  cancelled: 'yellow',
  failed: 'red',
  undone: 'gray',
};

export const PHASE_LABELS = {
  loading: 'import.phase.loading',
  reading: 'import.phase.reading',
  parsing: 'import.phase.parsing',
  validating: 'import.phase.validating',
  diffing: 'import.phase.diffing',
  committing: 'import.phase.committing',
} as const satisfies Record<ImportPhase | 'loading', string>;

export const ENCODING_LABELS = {
  'utf-8': 'import.encodings.utf8',
  'utf-8-bom': 'import.encodings.utf8Bom',
  'utf-16le': 'import.encodings.utf16le',
  'utf-16be': 'import.encodings.utf16be',
  'windows-1252': 'import.encodings.windows1252',
} as const satisfies Record<TextEncoding, string>;

export const DELIMITER_LABELS = {
  ',': 'import.delimiters.comma',
  ';': 'import.delimiters.semicolon',
  '\t': 'import.delimiters.tab',
  '|': 'import.delimiters.pipe',
} as const satisfies Record<Delimiter, string>;

const LANGUAGE_OPTION_LABELS = {
  en_US: 'import.languages.en_US',
  fr_BE: 'import.languages.fr_BE',
  nl_BE: 'import.languages.nl_BE',
} as const satisfies Record<Language, string>;

/** A profile language as the import's pickers show it: "French (fr_BE)". */
export const languageLabel = (t: TFunction, code: Language): string => t(LANGUAGE_OPTION_LABELS[code]);

export const languageOptions = (t: TFunction): { value: Language; label: string }[] => LANGUAGES.map((code) => ({ value: code, label: languageLabel(t, code) }));

const isFailureReason = (v: unknown): v is ImportFailureReason => typeof v === 'string' && (IMPORT_FAILURE_REASONS as readonly string[]).includes(v);

const REASON_TITLES = {
  'empty-file': 'import.failure.emptyFile',
  'too-large': 'import.failure.tooLargeFile',
  'unsupported-format': 'import.failure.unsupportedFormat',
  'not-a-spreadsheet': 'import.failure.notSpreadsheet',
  truncated: 'import.failure.truncated',
  corrupt: 'import.failure.corrupt',
  encrypted: 'import.failure.encrypted',
  'zip-bomb': 'import.failure.zipBomb',
  'xml-bomb': 'import.failure.xmlBomb',
  'too-many-rows': 'import.failure.tooManyRows',
  'too-many-columns': 'import.failure.tooManyColumns',
  timeout: 'import.failure.timeout',
  'out-of-memory': 'import.failure.outOfMemory',
  'no-data': 'import.failure.noData',
} as const satisfies Record<ImportFailureReason, string>;

/** Advice where the message alone does not say what to do (the engine's own messages mostly do). */
const REASON_HINTS = {
  'too-large': 'import.failure.hintTooLarge',
  'too-many-rows': 'import.failure.hintTooManyRows',
  'too-many-columns': 'import.failure.hintTooManyColumns',
} as const satisfies Partial<Record<ImportFailureReason, string>>;

const hintFor = (t: TFunction, reason: ImportFailureReason): string | null => {
  switch (reason) {
    case 'too-large':
    case 'too-many-rows':
    case 'too-many-columns':
      return t(REASON_HINTS[reason]);
    default:
      return null;
  }
};

/**
 * A failure as an alert shows it: a short title, the specific message (the
 * renderer's own words for what it found before the file reached the API,
 * else the API error in the console language), and what to do about it.
 */
export function describeFailure(t: TFunction, error: ApiError, message: string | null = null): { title: string; message: string; hint: string | null } {
  const text = message ?? errorText(t, error);
  const reason = error.details?.reason;
  if (isFailureReason(reason)) return { title: t(REASON_TITLES[reason]), message: text, hint: hintFor(t, reason) };
  switch (error.code) {
    case 'FILE_TOO_LARGE':
    case 'PAYLOAD_TOO_LARGE':
      return { title: t('import.failure.tooLargeFile'), message: text, hint: hintFor(t, 'too-large') };
    case 'FILE_CORRUPT':
      return { title: t('import.failure.cannotRead'), message: text, hint: null };
    case 'FILE_ENCRYPTED':
      return { title: t('import.failure.encrypted'), message: text, hint: null };
    case 'UNSUPPORTED_FILE':
      return { title: t('import.failure.unsupportedFormat'), message: text, hint: null };
    case 'LIMIT_EXCEEDED':
      return { title: t('import.failure.beyondLimits'), message: text, hint: null };
    case 'CANCELLED':
      return { title: t('import.failure.cancelled'), message: text, hint: null };
    case 'NOT_FOUND':
      return { title: t('import.failure.notFound'), message: text, hint: null };
    case 'NETWORK':
      return { title: t('import.failure.network'), message: text, hint: null };
    case 'VALIDATION_FAILED':
      return { title: t('import.failure.didNotWork'), message: text, hint: null };
    default:
      return { title: t('import.failure.other'), message: text, hint: null };
  }
}
