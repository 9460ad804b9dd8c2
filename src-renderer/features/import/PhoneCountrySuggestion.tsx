import { Alert, Button, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ImportSessionView } from '../../../src-shared/import';
import { parseCallingCode } from '../../../src-shared/profile';
import { api } from '../../api/client';
import { useFormat } from '../../i18n/format';
import { useImportSession } from './session';

/** Whether the import's default phone country is already the suggested code ("+32", "32", "0032" and "BE" are one). */
function inUse(view: ImportSessionView, code: string): boolean {
  const chosen = parseCallingCode(view.defaults.phoneCountryCode);
  const proposed = parseCallingCode(code);
  return chosen.ok && proposed.ok && chosen.value !== null && chosen.value === proposed.value;
}

/**
 * The country code most of the phone column's numbers carry, proposed for
 * its numbers without one: one click makes it the import's default phone
 * country. Once taken, a line says so. Nothing when there is nothing to
 * propose (no number lacks a code, none carries one, or two codes tie).
 */
export function PhoneCountrySuggestion({ view, compact = false }: { view: ImportSessionView; compact?: boolean }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const run = useImportSession((s) => s.run);
  const busy = useImportSession((s) => s.busy !== null);
  const suggestion = view.phoneCountrySuggestion;
  if (suggestion === null) return null;
  const { code } = suggestion;

  if (inUse(view, code)) {
    if (compact) return null;
    return (
      <Text size="sm" c="dimmed" data-testid="phone-country-in-use">
        {t('import.suggestion.inUse', { code })}
      </Text>
    );
  }

  const accept = (): void => {
    void run(
      (tr) => tr('import.suggestion.applying', { code }),
      (importId) => api.invoke('import:setDefaults', { importId, phoneCountryCode: code }),
    );
  };

  return (
    <Alert
      color="indigo"
      variant="light"
      title={compact ? undefined : t('import.suggestion.title', { code })}
      data-testid="phone-country-suggestion"
      maw={compact ? '100%' : 820}
      py={compact ? 6 : 'sm'}
      // In the review, the grid gives up room when the row details open; this line keeps its own.
      style={{ flexShrink: 0 }}
    >
      <Group justify="space-between" wrap="nowrap" gap="sm">
        <Text size="sm">
          {t('import.suggestion.text', {
            count: suggestion.withoutCountry,
            carriers: fmt.number(suggestion.carriers),
            known: fmt.number(suggestion.withCountry),
            code,
          })}
        </Text>
        <Button size="xs" disabled={busy} onClick={accept} style={{ flexShrink: 0 }} data-testid="phone-country-accept">
          {t('import.suggestion.use', { code })}
        </Button>
      </Group>
    </Alert>
  );
}
