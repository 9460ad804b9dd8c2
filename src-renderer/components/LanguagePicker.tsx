import { Select } from '@mantine/core';
import i18next from 'i18next';
import { useTranslation } from 'react-i18next';
import { notifications } from '@mantine/notifications';
import { CONSOLE_LANGUAGES, isConsoleLanguage, LANGUAGE_NAMES } from '../../src-shared/console-languages';
import { api } from '../api/client';
import { currentLanguage, switchLanguage } from '../i18n';
import { errorText } from '../i18n/messages';

const OPTIONS = CONSOLE_LANGUAGES.map((language) => ({ value: language, label: LANGUAGE_NAMES[language] }));

/** The header's language picker: switches at once and remembers the choice in the data dir. */
export function LanguagePicker() {
  const { t, i18n } = useTranslation();
  const language = isConsoleLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : currentLanguage();
  return (
    <Select
      aria-label={t('common.app.language')}
      data-testid="language-picker"
      size="xs"
      w={130}
      allowDeselect={false}
      data={OPTIONS}
      value={language}
      onChange={(value) => {
        if (!isConsoleLanguage(value)) return;
        void switchLanguage(value).then(async () => {
          const saved = await api.invoke('app:setLanguage', { language: value });
          if (!saved.ok) notifications.show({ color: 'red', message: errorText(i18next.t, saved.error) });
        });
      }}
    />
  );
}
