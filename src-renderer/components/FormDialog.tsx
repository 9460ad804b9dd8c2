import type { ReactNode } from 'react';
import { Alert, Button, Group, Modal, Stack } from '@mantine/core';
import type { MantineSize } from '@mantine/core';
import { useTranslation } from 'react-i18next';

interface FormDialogProps {
  title: string;
  /** The submit button's words ("Save"). */
  submitLabel: string;
  busy: boolean;
  /** A refusal no field below can show, worded; shown above the fields. */
  unplacedError: string | null;
  /** The test id of that refusal's alert. */
  errorTestId: string;
  size?: MantineSize;
  onSubmit: () => void;
  onClose: () => void;
  children: ReactNode;
}

/**
 * A dialog holding one form: the fields, a refusal none of them can show,
 * and Cancel / submit. Enter submits; the browser's own checks are off
 * (the console's rules say what is wrong, in the admin's language).
 */
export function FormDialog({ title, submitLabel, busy, unplacedError, errorTestId, size = 'md', onSubmit, onClose, children }: FormDialogProps) {
  const { t } = useTranslation();
  return (
    <Modal opened onClose={onClose} size={size} title={title} closeButtonProps={{ 'aria-label': t('common.actions.close') }}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onSubmit();
        }}
        noValidate
      >
        <Stack gap="sm">
          {unplacedError !== null && (
            <Alert color="red" role="alert" data-testid={errorTestId}>
              {unplacedError}
            </Alert>
          )}
          {children}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.actions.cancel')}
            </Button>
            <Button type="submit" loading={busy}>
              {submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
