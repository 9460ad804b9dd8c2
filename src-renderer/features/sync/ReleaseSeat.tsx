import { useState } from 'react';
import { Button, Group, Select } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ConflictResolution, ConflictView } from '../../../src-shared/contract/sync';

/**
 * A no-seat conflict's third way: pick another profile that holds the
 * licence; it gives up its seat (queued first), then my licence is sent again.
 */
export function ReleaseSeat({ c, settle }: { c: ConflictView; settle: (resolution: ConflictResolution) => () => void }) {
  const { t } = useTranslation();
  const [picked, setPicked] = useState<string | null>(null);
  const options = c.seatHolders.flatMap(({ licence, holders }) => {
    const name = c.entryNames[licence] ?? licence;
    return holders.map((h) => ({ value: `${licence}|${h.id}`, label: c.seatHolders.length > 1 ? t('sync.conflicts.holderOf', { name: h.name, licence: name }) : h.name }));
  });
  if (options.length === 0) return null;
  const [licence = '', from = ''] = picked?.split('|') ?? [];
  return (
    <Group align="flex-end">
      <Select label={t('sync.conflicts.releaseFrom')} data={options} value={picked} onChange={setPicked} searchable w={320} data-testid="release-from" />
      <Button variant="light" disabled={picked === null} onClick={settle({ kind: 'release', licence, from })}>
        {t('sync.conflicts.release')}
      </Button>
    </Group>
  );
}
