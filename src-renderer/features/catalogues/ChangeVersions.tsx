import type { ReactNode } from 'react';
import { Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** One field of a change that met another admin's: its name, my value and the server's (as the card words them). */
export interface VersionRow {
  key: string;
  label: string;
  mine: ReactNode;
  theirs: ReactNode;
}

/** What a deletion of mine shows in my column. */
export function DeletedHere() {
  const { t } = useTranslation();
  return (
    <Text fs="italic" size="sm">
      {t('org.catalogues.changes.deleted')}
    </Text>
  );
}

/**
 * Mine beside the server's, a row a field (the catalogue and rule cards give
 * the fields that differ; for a deletion of mine, the server's entry or rule).
 */
export function ChangeVersions({ rows }: { rows: readonly VersionRow[] }) {
  const { t } = useTranslation();
  if (rows.length === 0) return null;
  return (
    <Table withTableBorder fz="sm" maw={640} data-testid="change-versions">
      <Table.Thead>
        <Table.Tr>
          <Table.Th />
          <Table.Th>{t('org.catalogues.changes.yours')}</Table.Th>
          <Table.Th>{t('org.catalogues.changes.theirs')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((r) => (
          <Table.Tr key={r.key} data-field={r.key}>
            <Table.Td fw={500}>{r.label}</Table.Td>
            <Table.Td>{r.mine}</Table.Td>
            <Table.Td>{r.theirs}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
