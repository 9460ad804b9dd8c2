import { useState } from 'react';
import { Button, Group, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { FIELD_KEYS } from '../../components/values';
import { errorText, fieldErrorText } from '../../i18n/messages';

/**
 * The optional username with its "Generate" button: main makes the next
 * name the organisation's format gives these names that no other profile in
 * the replica holds (whatever its case). Left blank, the server makes one
 * when the profile reaches it (if the organisation has a format).
 */
export function UsernameField({
  value,
  names,
  profileId,
  error,
  onChange,
  onBlur,
  autoFocus,
}: {
  value: string;
  names: { firstName: string; lastName: string };
  /** The profile edited (its own username is free for it); none for a new one. */
  profileId?: string | undefined;
  error: string | undefined;
  onChange: (value: string) => void;
  onBlur?: () => void;
  autoFocus?: boolean;
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  // Why Generate made nothing (no format, names that make none); cleared by the next edit.
  const [problem, setProblem] = useState<string | undefined>(undefined);

  const generate = async (): Promise<void> => {
    setBusy(true);
    const made = await api.invoke('profiles:suggestUsername', { firstName: names.firstName, lastName: names.lastName, ...(profileId === undefined ? {} : { profileId }) });
    setBusy(false);
    if (!made.ok) {
      setProblem(fieldErrorText(t, made.error, 'username') ?? errorText(t, made.error));
      return;
    }
    if (made.data.username === null) {
      setProblem(t('profiles.username.noFormat'));
      return;
    }
    setProblem(undefined);
    onChange(made.data.username);
  };

  // The button sits beside the input itself, whatever the height of the description above it.
  return (
    <TextInput
      label={t(FIELD_KEYS.username)}
      description={t('profiles.username.hint')}
      name="username"
      value={value}
      placeholder={t('profiles.username.placeholder')}
      autoComplete="off"
      spellCheck={false}
      data-autofocus={autoFocus === true ? true : undefined}
      error={problem ?? error}
      onChange={(e) => {
        setProblem(undefined);
        onChange(e.currentTarget.value);
      }}
      onBlur={onBlur}
      inputContainer={(input) => (
        <Group gap="xs" wrap="nowrap">
          <div style={{ flex: 1 }}>{input}</div>
          <Button
            variant="default"
            loading={busy}
            disabled={names.firstName.trim() === '' && names.lastName.trim() === ''}
            onClick={() => {
              void generate();
            }}
          >
            {t('profiles.username.generate')}
          </Button>
        </Group>
      )}
    />
  );
}
