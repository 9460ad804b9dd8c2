import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import '@mantine/dropzone/styles.css';
import '@mantine/charts/styles.css';
import { App } from './App';
import { api } from './api/client';
import { startI18n, startLanguage } from './i18n';
import { cssVariablesResolver, useConsoleTheme } from './theme';

function Root() {
  const theme = useConsoleTheme();
  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver}>
      <Notifications position="top-right" />
      <App />
    </MantineProvider>
  );
}

async function start(): Promise<void> {
  const root = document.getElementById('root');
  if (root === null) throw new Error('index.html has no #root');
  // The language is known before the first paint: the admin's choice, else the system's, else the browser's.
  const info = await api.invoke('app:info', {});
  const language = info.ok ? startLanguage(info.data.language, info.data.systemLocales, navigator.languages) : startLanguage(null, [], navigator.languages);
  await startI18n(language);
  createRoot(root).render(
    <StrictMode>
      <Root />
    </StrictMode>,
  );
}

void start();
