import { Button, CopyButton, Group, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** A value to paste elsewhere (a base URL, a new token's secret, a sign-up link): shown whole, with a button that copies it. */
export function Copyable({ label, value, testId }: { label: string; value: string; testId: string }) {
  const { t } = useTranslation();
  return (
    <Group align="flex-end" wrap="nowrap">
      <TextInput label={label} value={value} readOnly style={{ flex: 1 }} styles={{ input: { fontFamily: 'monospace' } }} data-testid={testId} onFocus={(e) => e.currentTarget.select()} />
      <CopyButton value={value}>
        {({ copied, copy }) => (
          <Button variant={copied ? 'light' : 'default'} color={copied ? 'teal' : 'blue'} onClick={copy}>
            {copied ? t('common.actions.copied') : t('common.actions.copy')}
          </Button>
        )}
      </CopyButton>
    </Group>
  );
}
