import { Alert, Anchor, Badge, Code, Group, Paper, Select, Stack, Table, Text, Tooltip } from '@mantine/core';
import { MAPPING_TARGETS } from '../../../src-shared/import';
import type { ColumnMatch, ImportSessionView, MappingTarget } from '../../../src-shared/import';
import { api } from '../../api/client';
import { MATCH_REASON_LABELS, TARGET_LABELS } from './labels';
import { useImportSession } from './session';
import classes from './ImportPage.module.css';

const isTarget = (v: string | null): v is MappingTarget => v !== null && (MAPPING_TARGETS as readonly string[]).includes(v);

export function confidenceColor(match: ColumnMatch): string {
  if (match.reason === 'manual' || match.reason === 'remembered') return 'indigo';
  if (match.target === 'ignore') return 'gray';
  if (match.confidence >= 0.8) return 'green';
  if (match.confidence >= 0.5) return 'yellow';
  return 'orange';
}

function ConfidenceBadge({ match }: { match: ColumnMatch }) {
  if (match.target === 'ignore' && match.reason === 'none') {
    return (
      <Badge color="gray" variant="light" data-testid="match-confidence">
        no match
      </Badge>
    );
  }
  const label = match.reason === 'manual' ? 'your choice' : `${Math.round(match.confidence * 100)}%`;
  return (
    <Tooltip label={`Matched ${MATCH_REASON_LABELS[match.reason]}`}>
      <Badge color={confidenceColor(match)} variant="light" data-testid="match-confidence">
        {label}
        {match.reason !== 'manual' && <span className={classes.reason}> · {MATCH_REASON_LABELS[match.reason]}</span>}
      </Badge>
    </Tooltip>
  );
}

/** The mapping as the API takes it: one target per column, in column order. */
export const mappingOf = (view: ImportSessionView): MappingTarget[] =>
  view.columns.map((c) => view.matches.find((m) => m.column === c.index)?.target ?? 'ignore');

/** Step 3: every column with its samples and the field it goes to; each field is used by one column at most. */
export function MappingStep({ view }: { view: ImportSessionView }) {
  const run = useImportSession((s) => s.run);
  const busy = useImportSession((s) => s.busy !== null);
  const current = mappingOf(view);
  const used = new Map<MappingTarget, number>();
  current.forEach((t, i) => {
    if (t !== 'ignore') used.set(t, i);
  });

  const choose = (column: number, target: MappingTarget): void => {
    if (current[column] === target) return;
    const next = [...current];
    next[column] = target;
    let notice: string | null = null;
    const previous = target === 'ignore' ? undefined : used.get(target);
    if (previous !== undefined && previous !== column) {
      next[previous] = 'ignore';
      const col = view.columns[previous];
      notice = `${TARGET_LABELS[target]} was on column ${col?.letter ?? ''} (“${col?.header ?? ''}”); that column is now ignored. Each field takes one column.`;
    }
    // "Full name" and separate first/last names are two ways of saying the same thing.
    if (target === 'fullName') {
      next.forEach((t, i) => {
        if (i !== column && (t === 'firstName' || t === 'lastName')) next[i] = 'ignore';
      });
    }
    if (target === 'firstName' || target === 'lastName') {
      next.forEach((t, i) => {
        if (i !== column && t === 'fullName') next[i] = 'ignore';
      });
    }
    const header = view.columns[column]?.header ?? '';
    void run(`Mapping “${header}” to ${TARGET_LABELS[target].toLowerCase()}`, (importId) => api.invoke('import:setMapping', { importId, mapping: next }), { notice });
  };

  const has = (t: MappingTarget): boolean => current.includes(t);
  const missing: string[] = [];
  if (!has('email')) missing.push('No column goes to Email: every profile needs one, so every row would be an error.');
  if (!has('fullName') && (!has('firstName') || !has('lastName'))) {
    missing.push('First name and last name are required: map a column to each, or one “full name” column to be split.');
  }

  return (
    <Stack gap="md">
      {view.rememberedMapping && (
        <Alert color="indigo" title="Mapping remembered" data-testid="remembered-mapping">
          A file with these same headers was imported before: the choices made then were applied. Check them and change any that no longer fit.
        </Alert>
      )}
      <Text size="sm" c="dimmed">
        Each column of the file goes to one profile field, or is ignored. Roster matched them by their headers (in English, French, Dutch,
        German or Spanish) and by the values they hold. Change any match below; a field can take only one column.
      </Text>
      {missing.length > 0 && (
        <Alert color="orange" title="Something is missing" data-testid="mapping-missing">
          {missing.map((m) => (
            <Text key={m} size="sm">
              {m}
            </Text>
          ))}
        </Alert>
      )}
      <Paper withBorder>
        <Table verticalSpacing="xs" data-testid="mapping-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={60}>Column</Table.Th>
              <Table.Th w="22%">Header in the file</Table.Th>
              <Table.Th>Sample values</Table.Th>
              <Table.Th w={300}>Goes to</Table.Th>
              <Table.Th w={230}>Confidence</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {view.columns.map((column) => {
              const match = view.matches.find((m) => m.column === column.index);
              const target = current[column.index] ?? 'ignore';
              const suggestion = match?.alternatives.find((a) => a.target !== target && a.target !== 'ignore' && !used.has(a.target) && a.confidence >= 0.5);
              return (
                <Table.Tr key={column.index} data-testid="mapping-row" data-column={column.letter} data-target={target}>
                  <Table.Td>
                    <Text fw={600} c="dimmed">
                      {column.letter}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={6}>
                      <Text fw={500} data-testid="mapping-header">
                        {column.header}
                      </Text>
                      {column.headerKind === 'blank' && (
                        <Tooltip label="The header cell is empty: the column is named after its letter.">
                          <Badge size="xs" variant="outline" color="gray">
                            no header
                          </Badge>
                        </Tooltip>
                      )}
                      {column.headerKind === 'merged' && (
                        <Tooltip label="The header cell is merged with the one before it: the column is named after the merge.">
                          <Badge size="xs" variant="outline" color="gray">
                            merged
                          </Badge>
                        </Tooltip>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    {column.samples.length === 0 ? (
                      <Text size="sm" c="dimmed" fs="italic">
                        empty column
                      </Text>
                    ) : (
                      <Group gap={4} wrap="nowrap" className={classes.samples}>
                        {column.samples.slice(0, 3).map((s, i) => (
                          <Code key={i} className={classes.sample}>
                            {s}
                          </Code>
                        ))}
                      </Group>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Select
                      aria-label={`Field for column ${column.letter} (${column.header})`}
                      data={MAPPING_TARGETS.map((t) => {
                        const owner = used.get(t);
                        const taken = t !== 'ignore' && owner !== undefined && owner !== column.index;
                        return { value: t, label: taken ? `${TARGET_LABELS[t]} (now column ${view.columns[owner]?.letter ?? ''})` : TARGET_LABELS[t] };
                      })}
                      value={target}
                      allowDeselect={false}
                      disabled={busy}
                      onChange={(v) => {
                        if (isTarget(v)) choose(column.index, v);
                      }}
                      comboboxProps={{ withinPortal: true }}
                    />
                    {suggestion !== undefined && (
                      <Text size="xs" c="dimmed" mt={4}>
                        Also looks like{' '}
                        <Anchor
                          component="button"
                          size="xs"
                          onClick={() => {
                            choose(column.index, suggestion.target);
                          }}
                        >
                          {TARGET_LABELS[suggestion.target]}
                        </Anchor>{' '}
                        ({Math.round(suggestion.confidence * 100)}%)
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{match !== undefined && <ConfidenceBadge match={match} />}</Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Paper>
    </Stack>
  );
}
