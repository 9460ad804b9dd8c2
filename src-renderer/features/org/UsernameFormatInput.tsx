import { Code, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { exampleUsername, parseUsernameFormat, USERNAME_EXAMPLE } from '../../../src-shared/usernames';
import { ruleText } from '../../i18n/messages';

/** The tokens a format holds, each with what it stands for. */
const TOKENS = [
  ['{first}', 'org.settings.usernameToken.first'],
  ['{last}', 'org.settings.usernameToken.last'],
  ['{f}', 'org.settings.usernameToken.f'],
  ['{l}', 'org.settings.usernameToken.l'],
  ['{nn}', 'org.settings.usernameToken.nn'],
  ['{n}', 'org.settings.usernameToken.n'],
] as const;

/** The format the empty input suggests (a format is written the same in every language). */
const SUGGESTED_FORMAT = '{first}.{last}';

/** What is wrong with a typed format, worded; undefined when it is one (or blank: none). */
export function usernameFormatProblem(t: Parameters<typeof ruleText>[0], format: string): string | undefined {
  if (format.trim() === '') return undefined;
  const read = parseUsernameFormat(format);
  return read.ok ? undefined : ruleText(t, read.rule);
}

/**
 * The organisation's username format (src-shared/usernames.ts): the tokens
 * explained, and a live example of what the typed format makes, checked by
 * the same rules as the server's. Blank: usernames are not made.
 */
export function UsernameFormatInput({ value, readOnly, error, onChange }: { value: string; readOnly: boolean; error: string | undefined; onChange: (value: string) => void }) {
  const { t } = useTranslation();
  const problem = usernameFormatProblem(t, value);
  const example = value.trim() === '' ? null : exampleUsername(value);
  return (
    <Stack gap={4}>
      <TextInput
        label={t('org.settings.usernameFormat')}
        description={t('org.settings.usernameFormatHint')}
        placeholder={SUGGESTED_FORMAT}
        value={value}
        readOnly={readOnly}
        w={360}
        spellCheck={false}
        autoComplete="off"
        onChange={(e) => {
          onChange(e.currentTarget.value);
        }}
        error={problem ?? error}
        data-testid="username-format"
      />
      <Text size="xs" c="dimmed" component="div" maw={720} style={{ display: 'flex', flexWrap: 'wrap', columnGap: 12, rowGap: 2 }}>
        {TOKENS.map(([token, key]) => (
          <span key={token} style={{ whiteSpace: 'nowrap' }}>
            <Code>{token}</Code> {t(key)}
          </span>
        ))}
      </Text>
      {example !== null && (
        <Text size="sm" data-testid="username-example">
          {t('org.settings.usernameExample', { name: `${USERNAME_EXAMPLE.firstName} ${USERNAME_EXAMPLE.lastName}`, username: example })}
        </Text>
      )}
    </Stack>
  );
}
