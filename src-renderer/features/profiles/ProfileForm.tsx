import { useState } from 'react';
import { Alert, Button, Group, Select, SimpleGrid, Stack, TagsInput, TextInput } from '@mantine/core';
import { LANGUAGES, LANGUAGE_LABELS } from '../../../src-shared/languages';
import { validateProfile } from '../../../src-shared/profile';
import type { ProfileDraft } from '../../../src-shared/profile';
import type { FieldErrors } from '../../../src-shared/errors';

export interface FormValues {
  firstName: string;
  lastName: string;
  email: string;
  phoneCountryCode: string;
  phoneNumber: string;
  tags: string[];
  externalId: string;
  language: string;
}

export const emptyForm: FormValues = {
  firstName: '',
  lastName: '',
  email: '',
  phoneCountryCode: '+32',
  phoneNumber: '',
  tags: [],
  externalId: '',
  language: 'en_US',
};

export const toDraft = (v: FormValues): ProfileDraft => ({ ...v });

export type SubmitOutcome = { ok: true } | { ok: false; message: string; fields: FieldErrors };

/**
 * The profile form: the shared rules run as the admin types (on leaving a
 * field) and again on the main side; messages appear under the field they concern.
 */
export function ProfileForm({
  initial,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  initial: FormValues;
  submitLabel: string;
  onSubmit: (draft: ProfileDraft) => Promise<SubmitOutcome>;
  onCancel: () => void;
}) {
  const [values, setValues] = useState<FormValues>(initial);
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [banner, setBanner] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const check = validateProfile(toDraft(values));
  const localErrors: FieldErrors = check.ok ? {} : check.fields;
  const errorFor = (field: keyof FormValues): string | undefined => serverErrors[field] ?? (touched.has(field) ? localErrors[field] : undefined);

  const set = <K extends keyof FormValues>(field: K, value: FormValues[K]): void => {
    setValues((v) => ({ ...v, [field]: value }));
    setServerErrors((e) => {
      if (!(field in e)) return e;
      const { [field]: _gone, ...rest } = e;
      return rest;
    });
  };
  const touch = (field: keyof FormValues) => () => {
    setTouched((t) => new Set(t).add(field));
  };
  const text = (field: Exclude<keyof FormValues, 'tags'>, label: string, extra: { required?: boolean; placeholder?: string } = {}) => (
    <TextInput
      label={label}
      name={field}
      value={values[field]}
      withAsterisk={extra.required === true}
      placeholder={extra.placeholder}
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
    if (!check.ok) {
      setBanner('Some fields need attention. Nothing was saved.');
      return;
    }
    setBusy(true);
    const outcome = await onSubmit(toDraft(values));
    setBusy(false);
    if (!outcome.ok) {
      setServerErrors(outcome.fields);
      setBanner(`${outcome.message} Nothing was saved.`);
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
            {banner}
          </Alert>
        )}
        <SimpleGrid cols={2}>
          {text('firstName', 'First name', { required: true })}
          {text('lastName', 'Last name', { required: true })}
        </SimpleGrid>
        {text('email', 'Email', { required: true, placeholder: 'name@example.com' })}
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          {text('phoneCountryCode', 'Phone country code', { placeholder: '+32' })}
          <div style={{ gridColumn: 'span 2' }}>{text('phoneNumber', 'Phone number', { placeholder: '0470 12 34 56' })}</div>
        </SimpleGrid>
        <TagsInput
          label="Tags"
          name="tags"
          description="Press Enter or type a comma between tags"
          value={values.tags}
          onChange={(tags) => {
            set('tags', tags);
          }}
          error={errorFor('tags')}
          splitChars={[',', ';', '|']}
        />
        <SimpleGrid cols={2}>
          {text('externalId', 'External ID', { placeholder: 'Staff number, HR id …' })}
          <Select
            label="Language"
            name="language"
            data={LANGUAGES.map((l) => ({ value: l, label: `${LANGUAGE_LABELS[l]} (${l})` }))}
            value={values.language}
            onChange={(v) => {
              set('language', v ?? 'en_US');
            }}
            error={errorFor('language')}
            allowDeselect={false}
          />
        </SimpleGrid>
        <Group>
          <Button type="submit" loading={busy}>
            {submitLabel}
          </Button>
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
