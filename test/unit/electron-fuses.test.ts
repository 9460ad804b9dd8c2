import { resolve } from 'node:path';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { DebugLogger } from 'builder-util';
import type { Configuration } from 'electron-builder';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * Electron's security checklist, item 19: the packaged app's fuses. Read with
 * electron-builder's own loader and checked against its own schema, so a
 * misspelt key fails here rather than being ignored by `npm run dist`.
 */

let config: Configuration;

beforeAll(async () => {
  config = await getConfig(resolve(import.meta.dirname, '../..'), null, null);
  await validateConfiguration(config, new DebugLogger(false));
});

describe('electron-builder.yml: Electron fuses', () => {
  it('switches off what lets another program run the binary as Node or debug it', () => {
    expect(config.electronFuses?.runAsNode).toBe(false);
    expect(config.electronFuses?.enableNodeOptionsEnvironmentVariable).toBe(false);
    expect(config.electronFuses?.enableNodeCliInspectArguments).toBe(false);
  });

  it('loads only the packaged app.asar, checks its integrity, and encrypts cookies', () => {
    expect(config.electronFuses?.onlyLoadAppFromAsar).toBe(true);
    expect(config.electronFuses?.enableEmbeddedAsarIntegrityValidation).toBe(true);
    expect(config.electronFuses?.enableCookieEncryption).toBe(true);
  });

  it('gives file:// pages no extra privileges (the console is served from roster://app)', () => {
    expect(config.electronFuses?.grantFileProtocolExtraPrivileges).toBe(false);
  });

  it('keeps the app in an asar archive, which onlyLoadAppFromAsar and the integrity check need', () => {
    expect(config.asar ?? true).not.toBe(false);
  });
});
