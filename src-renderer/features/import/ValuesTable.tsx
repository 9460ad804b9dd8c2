import type { ReactNode } from 'react';
import { Paper, Table } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** The values step's table: each distinct value of a column, how many rows carry it, what it becomes, and how that was decided (the rows are the caller's). */
export function ValuesTable({ testId, children }: { testId?: string | undefined; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Paper withBorder maw={880}>
      <Table data-testid={testId} verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('import.values.valueInFile')}</Table.Th>
            <Table.Th w={90}>{t('import.values.rows')}</Table.Th>
            <Table.Th w={300}>{t('import.values.becomes')}</Table.Th>
            <Table.Th w={210}>{t('import.values.how')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>{children}</Table.Tbody>
      </Table>
    </Paper>
  );
}
