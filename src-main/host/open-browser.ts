import { spawn } from 'node:child_process';

/** Opens a URL in the system browser; resolves false when there is none to open it with. */
export function openInSystemBrowser(url: string): Promise<boolean> {
  if (!/^https?:\/\//.test(url)) return Promise.resolve(false);
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  return new Promise((resolve) => {
    try {
      const child = spawn(command, args, { stdio: 'ignore', detached: true });
      child.once('error', () => {
        resolve(false);
      });
      child.once('spawn', () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
}
