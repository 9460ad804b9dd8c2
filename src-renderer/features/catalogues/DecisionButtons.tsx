import { Button, Group } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/**
 * The two answers to a change made offline that did not go through (the
 * catalogue and rule cards): for a conflict, keep mine / take the server's;
 * for a refusal, send again / drop my change. `busy` is the answer on its way.
 */
export function DecisionButtons({ state, busy, onDecide }: { state: 'conflict' | 'refused'; busy: 'mine' | 'theirs' | null; onDecide: (choice: 'mine' | 'theirs') => void }) {
  const { t } = useTranslation();
  const conflict = state === 'conflict';
  return (
    <Group gap="xs">
      <Button size="xs" loading={busy === 'mine'} onClick={() => onDecide('mine')}>
        {t(conflict ? 'org.catalogues.changes.keepMine' : 'org.catalogues.changes.sendAgain')}
      </Button>
      <Button size="xs" variant="default" loading={busy === 'theirs'} onClick={() => onDecide('theirs')}>
        {t(conflict ? 'org.catalogues.changes.takeTheirs' : 'org.catalogues.changes.drop')}
      </Button>
    </Group>
  );
}
