import { useState } from 'react';
import { Alert, Button, Group, Select, SimpleGrid, Stack, TagsInput, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { DEFAULT_LANGUAGE, LANGUAGES } from '../../../src-shared/languages';
import { validateProfile } from '../../../src-shared/profile';
import type { IdentityOptions, ProfileDraft } from '../../../src-shared/profile';
import type { ApiError } from '../../../src-shared/errors';
import { noAttributes } from '../../../src-shared/attributes';
import type { AttributeField, ProfileAttributes } from '../../../src-shared/attributes';
import { useApi } from '../../api/hooks';
import { AttributePickers } from './AttributePickers';
import { UsernameField } from './UsernameField';
import { FIELD_KEYS, languageWithCode } from '../../components/values';
import { errorText, fieldErrorText } from '../../i18n/messages';

export interface FormValues extends ProfileAttributes {
  firstName: string;
  lastName: string;
  email: string;
  phoneCountryCode: string;
  phoneNumber: string;
  tags: string[];
  externalId: string;
  /** Blank: none (the server makes one from the organisation's format). */
  username: string;
  language: string;
}

/** The fields typed as plain text. */
type TextField = 'firstName' | 'lastName' | 'email' | 'phoneCountryCode' | 'phoneNumber' | 'externalId';

export const emptyForm: FormValues = {
  firstName: '',
  lastName: '',
  email: '',
  phoneCountryCode: '+32',
  phoneNumber: '',
  tags: [],
  externalId: '',
  username: '',
  language: DEFAULT_LANGUAGE,
  ...noAttributes(),
};

export const toDraft = (v: FormValues): ProfileDraft => ({ ...v });

export type SubmitOutcome = { ok: true } | { ok: false; error: ApiError };

/** A write the API refused, as the form shows it: the reason above, each field's message under it. */
export const refusal = (error: ApiError): SubmitOutcome => ({ ok: false, error });

/** The shared rules' findings on the form, shaped as the API reports a refused write, so both are worded the same way. */
function localCheck(values: FormValues, identity: IdentityOptions): ApiError | undefined {
  const check = validateProfile(toDraft(values), identity);
  return check.ok ? undefined : { code: 'VALIDATION_FAILED', message: Object.values(check.fields).join(' '), details: { fields: check.fields } };
}

/**
 * The profile form: the shared rules run as the admin types (on leaving a
 * field) and again on the main side; messages appear under the field they concern.
 */
export function ProfileForm({
  initial,
  profileId,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  initial: FormValues;
  /** The profile edited; none for a new one. */
  profileId?: string;
  submitLabel: string;
  onSubmit: (draft: ProfileDraft) => Promise<SubmitOutcome>;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  // The catalogues the pickers offer, and which attributes are required, from this console's replica.
  const catalogues = useApi('catalogues:list', {}, ['catalogues', 'settings']);
  const [values, setValues] = useState<FormValues>(initial);
  const [touched, setTouched] = useState<Set<string>>(new Set());
  // The API's refusal, and the fields edited since (their message from it no longer applies).
  const [refused, setRefused] = useState<{ error: ApiError; edited: ReadonlySet<string> } | undefined>(undefined);
  const [banner, setBanner] = useState<'check' | ApiError | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  // Who needs an email: a username the server makes stands in for a typed one on a new profile only.
  const identity = catalogues.data?.identity;
  const emailOptional = identity?.emailPolicy === 'or_username_phone';
  const local = localCheck(values, { emailPolicy: identity?.emailPolicy, usernameMade: profileId === undefined && identity?.usernameMade === true });
  const errorFor = (field: keyof FormValues): string | undefined =>
    (refused !== undefined && !refused.edited.has(field) ? fieldErrorText(t, refused.error, field) : null) ??
    (touched.has(field) ? fieldErrorText(t, local, field) : null) ??
    undefined;

  const edited = (field: keyof FormValues): void => {
    setRefused((r) => (r === undefined || r.edited.has(field) ? r : { ...r, edited: new Set(r.edited).add(field) }));
  };
  const set = <K extends keyof FormValues>(field: K, value: FormValues[K]): void => {
    setValues((v) => ({ ...v, [field]: value }));
    edited(field);
  };
  const setAttribute = (field: AttributeField, value: string | string[] | null): void => {
    setValues((v) => ({ ...v, [field]: value }));
    edited(field);
  };
  const touch = (field: keyof FormValues) => () => {
    setTouched((t) => new Set(t).add(field));
  };
  const text = (field: TextField, extra: { required?: boolean; placeholder?: string; description?: string } = {}) => (
    <TextInput
      label={t(FIELD_KEYS[field])}
      name={field}
      value={values[field]}
      withAsterisk={extra.required === true}
      placeholder={extra.placeholder}
      description={extra.description}
      error={errorFor(field)}
      onChange={(e) => {
        set(field, e.currentTarget.value);
      }}
      onBlur={touch(field)}
    />
  );

  const submit = async (): Promise<void> => {
    setTouched(new Set(Object.keys(values)));
    setBanner(undefined);
    if (local !== undefined) {
      setBanner('check');
      return;
    }
    setBusy(true);
    const outcome = await onSubmit(toDraft(values));
    setBusy(false);
    if (!outcome.ok) {
      setRefused({ error: outcome.error, edited: new Set() });
      setBanner(outcome.error);
    }
  };

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      noValidate
    >
      <Stack gap="md" maw={720}>
        {banner !== undefined && (
          <Alert color="red" role="alert" data-testid="form-error">
            {banner === 'check' ? t('profiles.form.check') : t('profiles.form.refused', { reason: errorText(t, banner) })}
          </Alert>
        )}
        <SimpleGrid cols={2}>
          {text('firstName', { required: true })}
          {text('lastName', { required: true })}
        </SimpleGrid>
        {text('email', { required: !emailOptional, placeholder: t('profiles.form.emailPlaceholder'), ...(emailOptional ? { description: t('profiles.form.emailOptionalHint') } : {}) })}
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          {text('phoneCountryCode', { placeholder: '+32' })}
          <div style={{ gridColumn: 'span 2' }}>{text('phoneNumber', { placeholder: '0470 12 34 56' })}</div>
        </SimpleGrid>
        <TagsInput
          label={t(FIELD_KEYS.tags)}
          name="tags"
          description={t('profiles.form.tagsHint')}
          value={values.tags}
          onChange={(tags) => {
            set('tags', tags);
          }}
          error={errorFor('tags')}
          splitChars={[',', ';', '|']}
        />
        <UsernameField
          value={values.username}
          names={values}
          profileId={profileId}
          error={errorFor('username')}
          onChange={(v) => {
            set('username', v);
          }}
          onBlur={touch('username')}
        />
        <SimpleGrid cols={2}>
          {text('externalId', { placeholder: t('profiles.form.externalIdPlaceholder') })}
          <Select
            label={t(FIELD_KEYS.language)}
            description={t('profiles.form.languageHint')}
            name="language"
            data={LANGUAGES.map((l) => ({ value: l, label: languageWithCode(t, l) }))}
            value={values.language}
            onChange={(v) => {
              set('language', v ?? DEFAULT_LANGUAGE);
            }}
            error={errorFor('language')}
            allowDeselect={false}
          />
        </SimpleGrid>
        <AttributePickers values={values} view={catalogues.data} onChange={setAttribute} errorFor={errorFor} />
        <Group>
          <Button type="submit" loading={busy}>
            {submitLabel}
          </Button>
          <Button variant="default" onClick={onCancel}>
            {t('common.actions.cancel')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
