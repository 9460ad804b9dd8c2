import { useRef, useState } from 'react';
import { Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { fullName } from '../../../src-shared/profile';
import type { PossibleDuplicate } from '../../../src-shared/contract/profiles';
import { api } from '../../api/client';
import { useUi } from '../../state/ui';
import { ScrollPage } from '../../components/ScrollPage';
import { ProfileForm, emptyForm, refusal } from './ProfileForm';
import { DuplicateWarning } from './DuplicateWarning';
import type { DuplicateChoice } from './DuplicateWarning';

export function NewProfilePage() {
  const { t } = useTranslation();
  const navigate = useUi((s) => s.navigate);
  // The possible duplicates shown, and how the waiting submit learns the admin's choice.
  const [matches, setMatches] = useState<PossibleDuplicate[] | null>(null);
  const choose = useRef<((choice: DuplicateChoice) => void) | null>(null);
  return (
    <ScrollPage>
      <Stack>
        <Title order={2}>{t('profiles.new.title')}</Title>
        <Text c="dimmed" size="sm">
          {t('profiles.new.intro', { status: t('common.status.not_invited') })}
        </Text>
        <ProfileForm
          initial={emptyForm}
          submitLabel={t('profiles.new.submit')}
          onCancel={() => {
            navigate({ page: 'profiles' });
          }}
          onSubmit={async (draft) => {
            // Someone already here under another email? The admin decides before anything is created.
            const found = await api.invoke('profiles:possibleDuplicates', { draft });
            if (!found.ok) return refusal(found.error);
            if (found.data.profiles.length > 0) {
              const choice = await new Promise<DuplicateChoice>((resolve) => {
                choose.current = resolve;
                setMatches(found.data.profiles);
              });
              choose.current = null;
              setMatches(null);
              if (choice.kind === 'open') navigate({ page: 'profile', id: choice.id });
              if (choice.kind !== 'create') return { ok: true };
            }
            const result = await api.invoke('profiles:create', { draft });
            if (!result.ok) return refusal(result.error);
            notifications.show({ color: 'green', message: t('profiles.new.created', { name: fullName(result.data) }) });
            // The new profile's page opens with focus on its heading (usePageFocus): the admin lands on what was made.
            navigate({ page: 'profile', id: result.data.id });
            return { ok: true };
          }}
        />
        <DuplicateWarning matches={matches} onChoose={(choice) => choose.current?.(choice)} />
      </Stack>
    </ScrollPage>
  );
}
