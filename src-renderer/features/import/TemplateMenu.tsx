import { Fragment, useState } from 'react';
import { Button, Menu } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { TemplateLanguage } from '../../../src-shared/import';
import { api } from '../../api/client';
import { downloadExported } from './files';
import { describeFailure } from './labels';

const LANGUAGES = [
  { code: 'en', label: 'import.template.en', xlsx: 'import.template.enXlsx', csv: 'import.template.enCsv' },
  { code: 'fr', label: 'import.template.fr', xlsx: 'import.template.frXlsx', csv: 'import.template.frCsv' },
  { code: 'nl', label: 'import.template.nl', xlsx: 'import.template.nlXlsx', csv: 'import.template.nlCsv' },
] as const satisfies readonly { code: TemplateLanguage; label: string; xlsx: string; csv: string }[];

/** An empty import template (headers in the chosen language, one example row), as .xlsx or .csv. */
export function TemplateMenu() {
  const { t } = useTranslation();
  const [working, setWorking] = useState(false);
  const download = async (language: TemplateLanguage, format: 'xlsx' | 'csv'): Promise<void> => {
    setWorking(true);
    const result = await api.invoke('import:template', { language, format });
    setWorking(false);
    if (result.ok) downloadExported(result.data);
    else notifications.show({ color: 'red', title: t('import.template.failed'), message: describeFailure(t, result.error).message });
  };
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button variant="default" loading={working} data-testid="template-menu">
          {t('import.template.menu')}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        {LANGUAGES.map((l, i) => (
          <Fragment key={l.code}>
            {i > 0 && <Menu.Divider />}
            {/* Each language's two formats are a group named by its label: the items' names are what they show, the template's language in their title. */}
            <div role="group" aria-labelledby={`template-menu-${l.code}`}>
              <Menu.Label id={`template-menu-${l.code}`}>{t(l.label)}</Menu.Label>
              <Menu.Item title={t(l.xlsx)} onClick={() => void download(l.code, 'xlsx')}>
                {t('import.template.xlsx')}
              </Menu.Item>
              <Menu.Item title={t(l.csv)} onClick={() => void download(l.code, 'csv')}>
                {t('import.template.csv')}
              </Menu.Item>
            </div>
          </Fragment>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
