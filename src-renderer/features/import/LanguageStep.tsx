import { useEffect, useState } from 'react';
import { Alert, Badge, Button, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { isLanguage } from '../../../src-shared/languages';
import type { Language } from '../../../src-shared/languages';
import type { ImportSessionView, LanguageValue } from '../../../src-shared/import';
import type { ProfileField } from '../../../src-shared/profile';
import { api } from '../../api/client';
import { useFormat } from '../../i18n/format';
import { errorText, fieldErrorText } from '../../i18n/messages';
import { LANGUAGE_REASON_LABELS, languageOptions } from './labels';
import { mappingOf } from './MappingStep';
import { PhoneCountrySuggestion } from './PhoneCountrySuggestion';
import { AttributeValuesSection } from './AttributeValuesSection';
import { ValuesTable } from './ValuesTable';
import { useImportSession } from './session';

const LEAVE = 'leave';
const PHONE_COUNTRY_FIELD: ProfileField = 'phoneCountryCode';

function reasonColor(v: LanguageValue): string {
  if (v.mapped === null) return 'red';
  if (v.reason === 'manual' || v.reason === 'remembered') return 'indigo';
  if (v.reason === 'default') return 'gray';
  return v.confidence >= 0.8 ? 'green' : 'yellow';
}

function PhoneDefault({ view }: { view: ImportSessionView }) {
  const { t } = useTranslation();
  const run = useImportSession((s) => s.run);
  const busy = useImportSession((s) => s.busy !== null);
  const saved = view.defaults.phoneCountryCode ?? '';
  const [draft, setDraft] = useState(saved);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setDraft(saved);
  }, [saved]);
  const apply = async (): Promise<void> => {
    const value = draft.trim();
    if (value === saved) return;
    setError(null);
    const ok = await run(
      (tr) => tr('import.busy.phoneCountry'),
      (importId) =>
        api.invoke('import:setDefaults', { importId, phoneCountryCode: value === '' ? null : value }).then((r) => {
          if (!r.ok) setError(fieldErrorText(t, r.error, PHONE_COUNTRY_FIELD) ?? errorText(t, r.error));
          return r;
        }),
    );
    if (!ok) useImportSession.getState().dismissFailure();
  };
  return (
    <Group align="flex-end" gap="xs">
      <TextInput
        label={t('import.values.phoneLabel')}
        description={t('import.values.phoneHelp')}
        placeholder={view.phoneCountrySuggestion?.code ?? '+32'}
        value={draft}
        error={error}
        disabled={busy}
        w={520}
        onChange={(e) => {
          setDraft(e.currentTarget.value);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') void apply();
        }}
      />
      <Button variant="default" disabled={busy || draft.trim() === saved} onClick={() => void apply()}>
        {t('import.values.apply')}
      </Button>
    </Group>
  );
}

/** Step 4: each distinct language value in the file, how many rows carry it, and the code it becomes; plus the defaults for what is missing. */
export function LanguageStep({ view }: { view: ImportSessionView }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const run = useImportSession((s) => s.run);
  const busy = useImportSession((s) => s.busy !== null);
  const mapping = mappingOf(view);
  const hasLanguageColumn = mapping.includes('language');
  const hasPhone = mapping.includes('phoneNumber');
  const values = [...view.languageValues].sort((a, b) => (a.mapped === null ? 0 : 1) - (b.mapped === null ? 0 : 1) || b.count - a.count);
  const unknown = values.filter((v) => v.mapped === null);

  const setDefaultLanguage = (language: Language): void => {
    if (language === view.defaults.language) return;
    void run((tr) => tr('import.busy.defaultLanguage'), (importId) => api.invoke('import:setDefaults', { importId, language }));
  };

  const mapValue = (value: string, language: Language | null): void => {
    void run((tr) => tr('import.busy.mapValue', { value }), (importId) => api.invoke('import:setValueMap', { importId, values: [{ value, language }] }));
  };

  return (
    <Stack gap="lg">
      <Stack gap="xs">
        <Title order={4}>{t('import.values.languageTitle')}</Title>
        {!hasLanguageColumn ? (
          <Text size="sm" c="dimmed">
            {t('import.values.noLanguageColumn')}
          </Text>
        ) : (
          <Text size="sm" c="dimmed">
            {t('import.values.languageIntro')}
          </Text>
        )}
        {unknown.length > 0 && (
          <Alert color="orange" data-testid="unknown-languages">
            {t('import.values.unknownValues', {
              count: unknown.length,
              values: unknown.map((v) => t('import.values.quoted', { value: v.value })).join(t('import.values.listSeparator')),
            })}
          </Alert>
        )}
        <Select
          label={t('import.values.defaultLanguage')}
          description={t('import.values.defaultLanguageHelp')}
          data={languageOptions(t)}
          value={view.defaults.language}
          allowDeselect={false}
          disabled={busy}
          w={300}
          onChange={(v) => {
            if (isLanguage(v)) setDefaultLanguage(v);
          }}
        />
        {hasLanguageColumn && values.length > 0 && (
          <ValuesTable testId="language-values">
                {values.map((v) => (
                  <Table.Tr key={v.value} data-testid="language-value" data-value={v.value}>
                    <Table.Td>
                      {v.value === '' ? (
                        <Text size="sm" fs="italic" c="dimmed">
                          {t('import.values.emptyValue')}
                        </Text>
                      ) : (
                        <Text size="sm" fw={500}>
                          {v.value}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{fmt.number(v.count)}</Table.Td>
                    <Table.Td>
                      {v.value === '' ? (
                        <Text size="sm">{t('import.values.theDefault')}</Text>
                      ) : (
                        <Select
                          aria-label={t('import.values.languageFor', { value: v.value })}
                          data={[...languageOptions(t), { value: LEAVE, label: t('import.values.leave') }]}
                          value={v.mapped ?? LEAVE}
                          allowDeselect={false}
                          disabled={busy}
                          error={v.mapped === null}
                          onChange={(next) => {
                            if (next === LEAVE) mapValue(v.value, null);
                            else if (isLanguage(next)) mapValue(v.value, next);
                          }}
                        />
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Badge color={reasonColor(v)} variant="light">
                        {v.reason === 'known-name' || v.reason === 'exact'
                          ? t('import.values.confidence', { percent: fmt.percent(Math.round(v.confidence * 100) / 100), how: t(LANGUAGE_REASON_LABELS[v.reason]) })
                          : t(LANGUAGE_REASON_LABELS[v.reason])}
                      </Badge>
                    </Table.Td>
                  </Table.Tr>
                ))}
          </ValuesTable>
        )}
      </Stack>
      <AttributeValuesSection view={view} />
      {hasPhone && (
        <Stack gap="xs">
          <Title order={4}>{t('import.values.phoneTitle')}</Title>
          <Text size="sm" c="dimmed">
            {t('import.values.phoneIntro')}
          </Text>
          <PhoneCountrySuggestion view={view} />
          <PhoneDefault view={view} />
        </Stack>
      )}
    </Stack>
  );
}
