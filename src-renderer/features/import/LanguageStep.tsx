import { useEffect, useState } from 'react';
import { Alert, Badge, Button, Group, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { isLanguage } from '../../../src-shared/languages';
import type { Language } from '../../../src-shared/languages';
import type { ImportSessionView, LanguageValue } from '../../../src-shared/import';
import { api } from '../../api/client';
import { LANGUAGE_REASON_LABELS, languageOptions, plural } from './labels';
import { mappingOf } from './MappingStep';
import { useImportSession } from './session';

const LEAVE = 'leave';

function reasonColor(v: LanguageValue): string {
  if (v.mapped === null) return 'red';
  if (v.reason === 'manual' || v.reason === 'remembered') return 'indigo';
  if (v.reason === 'default') return 'gray';
  return v.confidence >= 0.8 ? 'green' : 'yellow';
}

function PhoneDefault({ view }: { view: ImportSessionView }) {
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
    const ok = await run('Applying the phone country code', (importId) =>
      api.invoke('import:setDefaults', { importId, phoneCountryCode: value === '' ? null : value }).then((r) => {
        if (!r.ok) setError(r.error.details?.fields?.phoneCountryCode ?? r.error.message);
        return r;
      }),
    );
    if (!ok) useImportSession.getState().dismissFailure();
  };
  return (
    <Group align="flex-end" gap="xs">
      <TextInput
        label="Country code for numbers without one"
        description="Used for national numbers such as 0470 12 34 56 (e.g. +32 or BE). Empty: such numbers are errors."
        placeholder="+32"
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
        Apply
      </Button>
    </Group>
  );
}

/** Step 4: each distinct language value in the file, how many rows carry it, and the code it becomes; plus the defaults for what is missing. */
export function LanguageStep({ view }: { view: ImportSessionView }) {
  const run = useImportSession((s) => s.run);
  const busy = useImportSession((s) => s.busy !== null);
  const mapping = mappingOf(view);
  const hasLanguageColumn = mapping.includes('language');
  const hasPhone = mapping.includes('phoneNumber');
  const values = [...view.languageValues].sort((a, b) => (a.mapped === null ? 0 : 1) - (b.mapped === null ? 0 : 1) || b.count - a.count);
  const unknown = values.filter((v) => v.mapped === null);

  const setDefaultLanguage = (language: Language): void => {
    if (language === view.defaults.language) return;
    void run('Changing the default language', (importId) => api.invoke('import:setDefaults', { importId, language }));
  };

  const mapValue = (value: string, language: Language | null): void => {
    void run(`Mapping “${value}”`, (importId) => api.invoke('import:setValueMap', { importId, values: [{ value, language }] }));
  };

  return (
    <Stack gap="lg">
      <Stack gap="xs">
        <Title order={4}>Language</Title>
        {!hasLanguageColumn ? (
          <Text size="sm" c="dimmed">
            No column goes to Language, so every profile gets the default language below.
          </Text>
        ) : (
          <Text size="sm" c="dimmed">
            Profiles take exactly one of English (en_US), French (fr_BE) or Dutch (nl_BE). Each different value found in the language column is
            listed with the code it becomes; change any of them. Rows with a value left unmapped keep an error.
          </Text>
        )}
        {unknown.length > 0 && (
          <Alert color="orange" data-testid="unknown-languages">
            {plural(unknown.length, 'value is', 'values are')} not a language Roster knows: {unknown.map((v) => `“${v.value}”`).join(', ')}. Choose a
            language for {unknown.length === 1 ? 'it' : 'them'}, or leave those rows as errors to fix in the review.
          </Alert>
        )}
        <Select
          label="Default language"
          description="For rows with no language"
          data={languageOptions()}
          value={view.defaults.language}
          allowDeselect={false}
          disabled={busy}
          w={300}
          onChange={(v) => {
            if (isLanguage(v)) setDefaultLanguage(v);
          }}
        />
        {hasLanguageColumn && values.length > 0 && (
          <Paper withBorder maw={820}>
            <Table data-testid="language-values" verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Value in the file</Table.Th>
                  <Table.Th w={90}>Rows</Table.Th>
                  <Table.Th w={280}>Becomes</Table.Th>
                  <Table.Th w={170}>How</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {values.map((v) => (
                  <Table.Tr key={v.value} data-testid="language-value" data-value={v.value}>
                    <Table.Td>
                      {v.value === '' ? (
                        <Text size="sm" fs="italic" c="dimmed">
                          (empty)
                        </Text>
                      ) : (
                        <Text size="sm" fw={500}>
                          {v.value}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{v.count.toLocaleString()}</Table.Td>
                    <Table.Td>
                      {v.value === '' ? (
                        <Text size="sm">The default language</Text>
                      ) : (
                        <Select
                          aria-label={`Language for “${v.value}”`}
                          data={[...languageOptions(), { value: LEAVE, label: 'Not a language: leave as an error' }]}
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
                        {v.reason === 'known-name' || v.reason === 'exact' ? `${Math.round(v.confidence * 100)}% · ` : ''}
                        {LANGUAGE_REASON_LABELS[v.reason]}
                      </Badge>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
        )}
      </Stack>
      {hasPhone && (
        <Stack gap="xs">
          <Title order={4}>Phone numbers</Title>
          <Text size="sm" c="dimmed">
            Numbers are stored in international form (+32 470 12 34 56). A number’s country comes from its own “+” prefix, from a country code
            column, or from the code below.
          </Text>
          <PhoneDefault view={view} />
        </Stack>
      )}
    </Stack>
  );
}
