import type { TFunction } from 'i18next';
import type { ExportedFile } from '../../../src-shared/import';
import type { Formatters } from '../../i18n/format';

/** A read that can be abandoned (the admin pressed Cancel while a large file was loading). */
export interface FileRead {
  promise: Promise<Uint8Array>;
  abort: () => void;
}

/** The read was abandoned (Cancel, or another file): nothing to tell. */
export class ReadAborted extends Error {}

/** The file could not be read from disk; `reason` is the browser's own explanation, when it gives one. */
export class ReadFailed extends Error {
  constructor(
    readonly fileName: string,
    readonly reason: string | null,
  ) {
    super(reason ?? undefined);
  }
}

/**
 * Reads a dropped or picked File's bytes, in the renderer, so a drop works
 * the same in Electron and in browser mode (no file path is needed). The
 * bytes go to the main side as they are: over IPC as a Uint8Array, in
 * browser mode as a binary request body; never encoded as text.
 */
export function readAsBytes(file: File, onProgress: (done: number, total: number) => void): FileRead {
  const reader = new FileReader();
  const promise = new Promise<Uint8Array>((resolve, reject) => {
    reader.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded, event.total);
    };
    reader.onabort = () => {
      reject(new ReadAborted());
    };
    reader.onerror = () => {
      reject(new ReadFailed(file.name, reader.error === null ? null : reader.error.message));
    };
    reader.onload = () => {
      resolve(reader.result instanceof ArrayBuffer ? new Uint8Array(reader.result) : new Uint8Array(0));
    };
    reader.readAsArrayBuffer(file);
  });
  return {
    promise,
    abort: () => {
      reader.abort();
    },
  };
}

/** Saves a file the API produced (a template, the rows with problems) through the browser's download. Works in Electron and in browser mode. */
export function downloadExported(file: ExportedFile): void {
  const binary = atob(file.base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const url = URL.createObjectURL(new Blob([bytes], { type: file.mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.fileName;
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Give the download a moment to start before the URL is released.
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 10_000);
}

/** A size as people read it, in the console language: "512 bytes", "12.5 KB", "50 MB" ("12,5 Ko" in French). */
export function formatBytes(t: TFunction, fmt: Formatters, bytes: number): string {
  if (bytes < 1024) return t('import.count.bytes', { count: bytes });
  const oneDecimal = new Intl.NumberFormat(fmt.locale, { maximumFractionDigits: 1 });
  if (bytes < 1024 * 1024) return t('import.count.kilobytes', { size: oneDecimal.format(bytes / 1024) });
  return t('import.count.megabytes', { size: oneDecimal.format(bytes / (1024 * 1024)) });
}
