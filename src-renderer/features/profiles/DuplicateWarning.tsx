import { Alert, Button, Group, List, Modal, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { fullName } from '../../../src-shared/profile';
import type { PossibleDuplicate } from '../../../src-shared/contract/profiles';

/** What the admin chose when a new profile might be the same person as an existing one. */
export type DuplicateChoice = { kind: 'create' } | { kind: 'back' } | { kind: 'open'; id: string };

/**
 * The warning before a new profile is created: each existing profile it might
 * be the same person as (same folded name, same phone or external ID, another
 * email), with "Open it"; "Create anyway" goes on, closing goes back to the
 * form. Nothing is created until the admin chooses.
 */
export function DuplicateWarning({ matches, onChoose }: { matches: readonly PossibleDuplicate[] | null; onChoose: (choice: DuplicateChoice) => void }) {
  const { t } = useTranslation();
  const back = (): void => {
    onChoose({ kind: 'back' });
  };
  return (
    <Modal opened={matches !== null} onClose={back} title={t('profiles.duplicates.title')} closeButtonProps={{ 'aria-label': t('common.actions.close') }} size="lg">
      <Stack>
        <Alert color="yellow" data-testid="duplicate-warning">
          <Stack gap="xs">
            <Text size="sm">{t('profiles.duplicates.intro')}</Text>
            <List spacing="xs" listStyleType="none">
              {(matches ?? []).map((m) => (
                <List.Item key={m.id}>
                  <Group gap="sm" wrap="nowrap" justify="space-between">
                    <Text size="sm" fw={500}>
                      {t('profiles.duplicates.mightBe', { name: fullName(m), email: m.email })}
                    </Text>
                    <Button
                      size="xs"
                      variant="light"
                      // The whole label, however long the name beside it.
                      style={{ flexShrink: 0 }}
                      onClick={() => {
                        onChoose({ kind: 'open', id: m.id });
                      }}
                    >
                      {t('profiles.duplicates.open')}
                    </Button>
                  </Group>
                </List.Item>
              ))}
            </List>
          </Stack>
        </Alert>
        <Group justify="flex-end">
          <Button variant="default" onClick={back}>
            {t('profiles.duplicates.back')}
          </Button>
          <Button
            color="yellow"
            onClick={() => {
              onChoose({ kind: 'create' });
            }}
          >
            {t('profiles.duplicates.create')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
