import { useRef, useState } from 'react';
import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { Dropzone } from '@mantine/dropzone';
import type { FileRejection } from '@mantine/dropzone';
import { IMPORT_DEFAULT_LIMITS, IMPORT_EXTENSIONS } from '../../../src-shared/import';
import { useApi } from '../../api/hooks';
import { formatBytes } from './files';

export interface ImportDropzoneProps {
  onFile: (file: File, maxBytes: number) => void;
  /** A smaller zone, for the Profiles page's empty state. */
  compact?: boolean;
  disabled?: boolean;
  loading?: boolean;
}

function rejectionMessage(rejections: FileRejection[]): string {
  const first = rejections[0];
  return first === undefined ? 'That file was not accepted.' : `“${first.file.name}”: ${first.errors.map((e) => e.message).join(' ')}`;
}

/**
 * Where an HR spreadsheet comes in: dropped from the file manager (Electron or
 * browser, the file's bytes are read here in the renderer) or picked with the
 * file dialog. Any extension is let through: the import looks at the content
 * and says clearly what it cannot read.
 */
export function ImportDropzone({ onFile, compact = false, disabled = false, loading = false }: ImportDropzoneProps) {
  const info = useApi('import:info', {}, []);
  const maxBytes = info.data?.limits.maxFileBytes ?? IMPORT_DEFAULT_LIMITS.maxFileBytes;
  const extensions = info.data?.extensions ?? IMPORT_EXTENSIONS;
  const openRef = useRef<() => void>(null);
  const [rejected, setRejected] = useState<string | null>(null);
  const formats = extensions.join(' ');

  return (
    <Stack gap="xs">
      <Dropzone
        data-testid="import-dropzone"
        aria-label="Drop a spreadsheet here"
        openRef={openRef}
        multiple={false}
        disabled={disabled}
        loading={loading}
        activateOnClick={!disabled}
        // Everything dropped is looked at together: two files at once open neither (which one was meant?).
        onDropAny={(files, rejections) => {
          const count = files.length + rejections.length;
          if (count > 1) {
            setRejected(`Drop one file at a time (you dropped ${count}). Each spreadsheet is imported on its own.`);
            return;
          }
          const file = files[0];
          if (file === undefined) {
            setRejected(rejections.length > 0 ? rejectionMessage(rejections) : 'Nothing was dropped that Roster can read.');
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
              Drop it: Roster will read it
            </Text>
          </Dropzone.Accept>
          <Dropzone.Reject>
            <Text size={compact ? 'md' : 'xl'} fw={600} c="red">
              One file at a time
            </Text>
          </Dropzone.Reject>
          <Dropzone.Idle>
            <Text size={compact ? 'md' : 'xl'} fw={600}>
              Drop an HR spreadsheet here
            </Text>
          </Dropzone.Idle>
          <Text size="sm" c="dimmed" ta="center">
            {formats} · up to {formatBytes(maxBytes)}
          </Text>
          {!compact && (
            <Text size="sm" c="dimmed" ta="center" maw={520}>
              Nothing is saved until the last step. Headers in English, French, Dutch, German or Spanish are recognised; a title row above the
              headers is fine.
            </Text>
          )}
        </Stack>
      </Dropzone>
      <Group justify="center" gap="xs">
        <Text size="sm" c="dimmed">
          or
        </Text>
        <Button
          variant="light"
          size="xs"
          disabled={disabled}
          onClick={() => {
            openRef.current?.();
          }}
        >
          Choose a file…
        </Button>
      </Group>
      {rejected !== null && (
        <Alert
          color="red"
          title="Nothing was read"
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
