import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestConsole } from '../../support/console';
import type { TestConsole } from '../../support/console';
import type { UpdateFeed } from '../../../src-main/core/updates/feed';

const SHA = 'b'.repeat(86) + '==';
const latest = (version: string, stagingPercentage?: number): string =>
  `version: ${version}\nfiles:\n  - url: Roster-${version}.AppImage\n    sha512: ${SHA}\n    size: 1000\npath: Roster-${version}.AppImage\nsha512: ${SHA}\nreleaseDate: '2026-11-20T10:00:00.000Z'\nreleaseNotes: Exports hold the attributes.\n${stagingPercentage === undefined ? '' : `stagingPercentage: ${stagingPercentage}\n`}`;

let server: Server;
let feedUrl: string;
let body = latest('1.5.0');
let status = 200;
const asked: string[] = [];
let dir: string;
const consoles: TestConsole[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'roster-updates-'));
  body = latest('1.5.0');
  status = 200;
  asked.length = 0;
  server = createServer((req, res) => {
    asked.push(req.url ?? '');
    res.writeHead(req.url === '/feed/latest-linux.yml' ? status : 404, { 'content-type': 'text/yaml' });
    res.end(req.url === '/feed/latest-linux.yml' ? body : 'not here');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  feedUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed/`;
});
afterEach(async () => {
  for (const c of consoles.splice(0)) c.close();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

/** A console at version 1.4.0 reading the feed, with no policy file unless one is given, and its installer (none: the browser host). */
function open(options: { policy?: string; installer?: { downloaded: UpdateFeed[]; installed: number }; dataDir?: string; feed?: string } = {}): TestConsole {
  const policyFile = join(dir, 'policy.json');
  if (options.policy !== undefined) writeFileSync(policyFile, options.policy);
  const installer = options.installer;
  const c = openTestConsole({
    version: '1.4.0',
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    updates: {
      feedUrl: options.feed ?? feedUrl,
      platform: 'linux',
      policyFile,
      timers: { setTimeout: () => 0, clearTimeout: () => undefined },
      ...(installer === undefined
        ? {}
        : {
            installer: () => ({
              canInstall: true,
              download: (feed) => {
                installer.downloaded.push(feed);
                return Promise.resolve();
              },
              install: () => {
                installer.installed++;
              },
            }),
          }),
    },
  });
  consoles.push(c);
  return c;
}

describe('updates read from a real feed', () => {
  it('finds a newer release at start, tells it in the browser host, and cannot install it there', async () => {
    const c = open();
    await c.roster.updates.idle();
    expect(asked).toEqual(['/feed/latest-linux.yml']);
    const seen = await c.call('app:updates', {});
    expect(seen).toMatchObject({ current: '1.4.0', state: 'available', canInstall: false, automatic: true, disabledByPolicy: false, feedMissing: false, waitingFor: [], problem: null });
    expect(seen.update).toEqual({ version: '1.5.0', notes: 'Exports hold the attributes.', releaseDate: '2026-11-20T10:00:00.000Z' });
    const download = await c.roster.dispatcher.dispatch('app:downloadUpdate', {});
    expect(download.ok ? null : download.error.details?.rule?.key).toBe('update_desktop_only');
  });

  it('is up to date when the feed holds this version or an older one', async () => {
    body = latest('1.4.0');
    const c = open();
    expect((await c.call('app:checkUpdates', {})).state).toBe('upToDate');
    body = latest('1.3.9');
    const after = await c.call('app:checkUpdates', {});
    expect(after.state).toBe('upToDate');
    expect(after.update).toBeNull();
  });

  it('keeps an install out of a staged rollout at every check, by its id kept in the data folder', async () => {
    body = latest('1.5.0', 0);
    const dataDir = mkdtempSync(join(dir, 'data-'));
    const c = open({ dataDir });
    expect(await c.call('app:checkUpdates', {})).toMatchObject({ state: 'notYet', update: { version: '1.5.0' } });
    const { installId } = JSON.parse(readFileSync(join(dataDir, 'updates.json'), 'utf8')) as { installId: string };
    c.close();
    consoles.length = 0;
    body = latest('1.5.0', 100);
    const again = open({ dataDir });
    expect((await again.call('app:checkUpdates', {})).state).toBe('available');
    expect((JSON.parse(readFileSync(join(dataDir, 'updates.json'), 'utf8')) as { installId: string }).installId).toBe(installId);
  });

  it('says why a check failed, and keeps nothing of a bad feed', async () => {
    body = '<html>gateway</html>';
    const c = open();
    const failed = await c.call('app:checkUpdates', {});
    expect(failed.state).toBe('error');
    expect(failed.problem).toMatch(/not a latest\.yml/);
    status = 503;
    body = latest('1.5.0');
    expect((await c.call('app:checkUpdates', {})).problem).toMatch(/answered 503/);
  });

  it('downloads in the background in the desktop app, and installs only with nothing waiting', async () => {
    const installer = { downloaded: [] as UpdateFeed[], installed: 0 };
    const c = open({ installer });
    await c.roster.updates.idle();
    expect(installer.downloaded.map((f) => f.version)).toEqual(['1.5.0']);
    expect((await c.call('app:updates', {})).state).toBe('downloaded');
    // A change waiting to be sent holds the update back.
    await c.call('profiles:create', { draft: { firstName: 'Ana', lastName: 'Lopez', email: 'ana@example.com' } });
    expect((await c.call('app:updates', {})).waitingFor).toEqual(['sync']);
    const refused = await c.roster.dispatcher.dispatch('app:installUpdate', {});
    expect(refused.ok ? null : refused.error.details?.rule?.key).toBe('update_waits');
    expect(installer.installed).toBe(0);
  });

  it('installs the downloaded update on the admin\'s word when nothing waits', async () => {
    const installer = { downloaded: [] as UpdateFeed[], installed: 0 };
    const c = open({ installer });
    await c.roster.updates.idle();
    await c.call('app:installUpdate', {});
    expect(installer.installed).toBe(1);
  });

  it('checks nothing when automatic checks are off, and remembers the setting', async () => {
    const dataDir = mkdtempSync(join(dir, 'data-'));
    const c = open({ dataDir });
    await c.roster.updates.idle();
    expect((await c.call('app:setAutoUpdates', { automatic: false })).automatic).toBe(false);
    c.close();
    consoles.length = 0;
    asked.length = 0;
    const again = open({ dataDir });
    await again.roster.updates.idle();
    expect(asked).toEqual([]);
    expect(await again.call('app:updates', {})).toMatchObject({ automatic: false, state: 'idle' });
    // A check asked for still runs.
    expect((await again.call('app:checkUpdates', {})).state).toBe('available');
  });

  it('does nothing on a machine whose policy file turns updates off, even when asked', async () => {
    const c = open({ policy: JSON.stringify({ updates: { enabled: false } }) });
    await c.roster.updates.idle();
    expect(asked).toEqual([]);
    expect((await c.call('app:updates', {})).disabledByPolicy).toBe(true);
    const asking = await c.roster.dispatcher.dispatch('app:checkUpdates', {});
    expect(asking.ok ? null : asking.error.details?.rule?.key).toBe('update_off_by_policy');
  });

  it('reads the feed the policy file names before the console\'s own, and turns updates off for a policy it cannot read', async () => {
    const c = open({ policy: JSON.stringify({ updates: { feedUrl } }), feed: 'http://127.0.0.1:9/nowhere/' });
    expect((await c.call('app:checkUpdates', {})).state).toBe('available');
    const broken = open({ policy: '{ updates: off' });
    expect((await broken.call('app:updates', {})).disabledByPolicy).toBe(true);
  });
});
