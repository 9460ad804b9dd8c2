import { Fragment, useState } from 'react';
import { Button, Menu } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { TemplateLanguage } from '../../../src-shared/import';
import { api } from '../../api/client';
import { downloadExported } from './files';
import { describeFailure } from './labels';

const LANGUAGES: { code: TemplateLanguage; name: string; label: string }[] = [
  { code: 'en', name: 'English', label: 'English headers' },
  { code: 'fr', name: 'French', label: 'En-têtes en français' },
  { code: 'nl', name: 'Dutch', label: 'Nederlandse kolomnamen' },
];

/** An empty import template (headers in the chosen language, one example row), as .xlsx or .csv. */
export function TemplateMenu() {
  const [working, setWorking] = useState(false);
  const download = async (language: TemplateLanguage, format: 'xlsx' | 'csv'): Promise<void> => {
    setWorking(true);
    const result = await api.invoke('import:template', { language, format });
    setWorking(false);
    if (result.ok) downloadExported(result.data);
    else notifications.show({ color: 'red', title: 'The template could not be made', message: describeFailure(result.error).message });
  };
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button variant="default" loading={working} data-testid="template-menu">
          Download a template
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        {LANGUAGES.map((l, i) => (
          <Fragment key={l.code}>
            {i > 0 && <Menu.Divider />}
            {/* Each language's two formats are a group named by its label, in that language: the items' names are what they show. */}
            <div role="group" aria-labelledby={`template-menu-${l.code}`}>
              <Menu.Label id={`template-menu-${l.code}`} lang={l.code}>
                {l.label}
              </Menu.Label>
              <Menu.Item onClick={() => void download(l.code, 'xlsx')}>Excel workbook (.xlsx)</Menu.Item>
              <Menu.Item onClick={() => void download(l.code, 'csv')}>Text, comma-separated (.csv)</Menu.Item>
            </div>
          </Fragment>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
