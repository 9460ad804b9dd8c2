import { Stack, Text, Title } from '@mantine/core';

/** Replaced by the import flow (issue 3) once its engine lands. */
export function ImportPage() {
  return (
    <Stack>
      <Title order={2}>Import</Title>
      <Text c="dimmed">Spreadsheet import is not available in this build yet.</Text>
    </Stack>
  );
}
