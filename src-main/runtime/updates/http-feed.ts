import type { UpdateFeedPort } from '../../core/updates/service';

/** The feed file electron-builder writes for each operating system, beside the installers. */
export const feedFileOf = (platform: NodeJS.Platform): string => (platform === 'darwin' ? 'latest-mac.yml' : platform === 'linux' ? 'latest-linux.yml' : 'latest.yml');

/** The largest feed file read: a latest.yml is a few hundred bytes (release notes included, well under this). */
const MAX_FEED_BYTES = 256 * 1024;

/**
 * A generic HTTP feed read with fetch: the browser host's (which can tell of
 * an update but not install it), and how the tests read a real latest.yml
 * from a server on a loopback port.
 */
export function createHttpFeed(baseUrl: string, file: string, timeoutMs = 15_000): UpdateFeedPort {
  const url = new URL(file, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).toString();
  return {
    async read() {
      const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { 'cache-control': 'no-cache' } });
      if (!response.ok) throw new Error(`The update feed answered ${response.status} for ${url}.`);
      const text = await response.text();
      if (text.length > MAX_FEED_BYTES) throw new Error(`The update feed at ${url} is larger than a latest.yml can be.`);
      return text;
    },
  };
}
