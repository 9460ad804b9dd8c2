import { useRef, useState } from 'react';
import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { Dropzone } from '@mantine/dropzone';
import type { FileRejection } from '@mantine/dropzone';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { IMPORT_DEFAULT_LIMITS, IMPORT_EXTENSIONS } from '../../../src-shared/import';
import { useApi } from '../../api/hooks';
import { useFormat } from '../../i18n/format';
import { formatBytes } from './files';

export interface ImportDropzoneProps {
  onFile: (file: File, maxBytes: number) => void;
  /** A smaller zone, for the Profiles page's empty state. */
  compact?: boolean;
  disabled?: boolean;
  loading?: boolean;
}

/** Why the drop zone refused a file, by the code it gives (its own messages are English only). */
function rejectionReason(t: TFunction, code: string): string {
  switch (code) {
    case 'file-invalid-type':
      return t('import.drop.wrongType');
    case 'file-too-large':
      return t('import.drop.tooBig');
    case 'file-too-small':
      return t('import.drop.tooSmall');
    case 'too-many-files':
      return t('import.drop.tooMany');
    default:
      return t('import.drop.notAccepted');
  }
}

function rejectionMessage(t: TFunction, rejections: FileRejection[]): string {
  const first = rejections[0];
  if (first === undefined) return t('import.drop.notAccepted');
  const why = [...new Set(first.errors.map((e) => rejectionReason(t, e.code)))].join(' ');
  return t('import.drop.rejected', { name: first.file.name, why: why === '' ? t('import.drop.notAccepted') : why });
}

/**
 * Where an HR spreadsheet comes in: dropped from the file manager (Electron or
 * browser, the file's bytes are read here in the renderer) or picked with the
 * file dialog. Any extension is let through: the import looks at the content
 * and says clearly what it cannot read.
 */
export function ImportDropzone({ onFile, compact = false, disabled = false, loading = false }: ImportDropzoneProps) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const info = useApi('import:info', {}, []);
  const maxBytes = info.data?.limits.maxFileBytes ?? IMPORT_DEFAULT_LIMITS.maxFileBytes;
  // A workbook is held lower than a CSV file (issue 18); the lower of the two applies.
  const maxWorkbookBytes = Math.min(maxBytes, info.data?.limits.maxWorkbookFileBytes ?? IMPORT_DEFAULT_LIMITS.maxWorkbookFileBytes);
  const extensions = info.data?.extensions ?? IMPORT_EXTENSIONS;
  const openRef = useRef<() => void>(null);
  const [rejected, setRejected] = useState<string | null>(null);
  const formats = extensions.join(' ');

  return (
    <Stack gap="xs">
      <Dropzone
        data-testid="import-dropzone"
        aria-label={t('import.drop.label')}
        openRef={openRef}
        multiple={false}
        disabled={disabled}
        loading={loading}
        activateOnClick={!disabled}
        // Everything dropped is looked at together: two files at once open neither (which one was meant?).
        onDropAny={(files, rejections) => {
          const count = files.length + rejections.length;
          if (count > 1) {
            setRejected(t('import.drop.oneAtATime', { n: fmt.number(count) }));
            return;
          }
          const file = files[0];
          if (file === undefined) {
            setRejected(rejections.length > 0 ? rejectionMessage(t, rejections) : t('import.drop.nothingReadable'));
            return;
          }
          setRejected(null);
          onFile(file, maxBytes);
        }}
        onDrop={() => undefined}
        inputProps={{ accept: extensions.join(',') }}
        p={compact ? 'md' : 'xl'}
      >
        <Stack align="center" gap={compact ? 4 : 'xs'} mih={compact ? 90 : 180} justify="center" style={{ pointerEvents: 'none' }}>
          <Dropzone.Accept>
            <Text size={compact ? 'md' : 'xl'} fw={600} c="indigo">
              {t('import.drop.accept')}
            </Text>
          </Dropzone.Accept>
          <Dropzone.Reject>
            <Text size={compact ? 'md' : 'xl'} fw={600} c="red">
              {t('import.drop.reject')}
            </Text>
          </Dropzone.Reject>
          <Dropzone.Idle>
            <Text size={compact ? 'md' : 'xl'} fw={600}>
              {t('import.drop.idle')}
            </Text>
          </Dropzone.Idle>
          <Text size="sm" c="dimmed" ta="center">
            {maxWorkbookBytes < maxBytes
              ? t('import.drop.limitsByKind', { formats, size: formatBytes(t, fmt, maxBytes), workbookSize: formatBytes(t, fmt, maxWorkbookBytes) })
              : t('import.drop.limits', { formats, size: formatBytes(t, fmt, maxBytes) })}
          </Text>
          {!compact && (
            <Text size="sm" c="dimmed" ta="center" maw={520}>
              {t('import.drop.help')}
            </Text>
          )}
        </Stack>
      </Dropzone>
      <Group justify="center" gap="xs">
        <Text size="sm" c="dimmed">
          {t('import.drop.or')}
        </Text>
        <Button
          variant="light"
          size="xs"
          disabled={disabled}
          onClick={() => {
            openRef.current?.();
          }}
        >
          {t('import.drop.choose')}
        </Button>
      </Group>
      {rejected !== null && (
        <Alert
          color="red"
          title={t('import.drop.rejectedTitle')}
          withCloseButton
          onClose={() => {
            setRejected(null);
          }}
          data-testid="import-drop-rejected"
        >
          {rejected}
        </Alert>
      )}
    </Stack>
  );
}
