import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { layers } from '../../eslint.layers.mjs';

/** Lints a snippet as if it lived at `path`, with only the layering rules on. */
async function violations(path: string, code: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: process.cwd(),
    overrideConfigFile: true,
    overrideConfig: [{ files: ['**/*.ts', '**/*.tsx'], languageOptions: { parser: tseslint.parser }, plugins: { '@typescript-eslint': tseslint.plugin } }, ...layers],
  });
  const [result] = await eslint.lintText(code, { filePath: path });
  return (result?.messages ?? []).map((m) => m.message);
}

describe('layering lint', () => {
  it('keeps electron, react and better-sqlite3 out of core', async () => {
    expect(await violations('src-main/core/x.ts', "import Database from 'better-sqlite3';\n")).toHaveLength(1);
    expect(await violations('src-main/core/x.ts', "import { app } from 'electron';\n")).toHaveLength(1);
    expect(await violations('src-main/core/x.ts', "import { useState } from 'react';\n")).toHaveLength(1);
    expect(await violations('src-main/core/x.ts', "import { profilesRepo } from '../db/profiles.repo';\n")).toHaveLength(1);
    expect(await violations('src-main/core/x.ts', "import { validateProfile } from '../../src-shared/profile';\n")).toEqual([]);
  });

  it('lets the renderer import only types and src-shared from the rest', async () => {
    expect(await violations('src-renderer/x.ts', "import { openRoster } from '../src-main/runtime/roster';\n")).toHaveLength(1);
    expect(await violations('src-renderer/x.ts', "import type { Roster } from '../src-main/runtime/roster';\n")).toEqual([]);
    expect(await violations('src-renderer/x.ts', "import { validateProfile } from '../src-shared/profile';\n")).toEqual([]);
    expect(await violations('src-renderer/x.ts', "import { readFileSync } from 'node:fs';\n")).toHaveLength(1);
    expect(await violations('src-renderer/x.ts', "import { ipcRenderer } from 'electron';\n")).toHaveLength(1);
  });

  it('keeps src-shared free of I/O and of the other parts', async () => {
    expect(await violations('src-shared/x.ts', "import { readFileSync } from 'node:fs';\n")).toHaveLength(1);
    expect(await violations('src-shared/x.ts', "import { api } from '../src-renderer/api/client';\n")).toHaveLength(1);
  });

  it('keeps the shared import engine pure: src-shared and libraries only, no I/O', async () => {
    expect(await violations('src-import/x.ts', "import { readFileSync } from 'node:fs';\n")).toHaveLength(1);
    expect(await violations('src-import/x.ts', "import { ProfileService } from '../src-main/core/profiles/service';\n")).toHaveLength(1);
    expect(await violations('src-import/x.ts', "import { ProfileBatch } from '../src-server/services/profiles';\n")).toHaveLength(1);
    expect(await violations('src-import/x.ts', "import { validateProfile } from '../src-shared/profile';\n")).toEqual([]);
    expect(await violations('src-import/x.ts', "import * as XLSX from 'xlsx';\n")).toEqual([]);
    expect(await violations('src-shared/x.ts', "import { readSpreadsheet } from '../src-import/read';\n")).toHaveLength(1);
    expect(await violations('src-renderer/x.ts', "import { readSpreadsheet } from '../src-import/read';\n")).toHaveLength(1);
    expect(await violations('src-server/x.ts', "import { readSpreadsheet } from '../src-import/read';\n")).toEqual([]);
    expect(await violations('src-main/core/x.ts', "import { readSpreadsheet } from '../../src-import/read';\n")).toEqual([]);
  });

  it('keeps the host and the server away from Electron and each other', async () => {
    expect(await violations('src-main/host/x.ts', "import { app } from 'electron';\n")).toHaveLength(1);
    expect(await violations('src-server/x.ts', "import { openRoster } from '../src-main/runtime/roster';\n")).toHaveLength(1);
    expect(await violations('src-main/preload/x.ts', "import { ProfileService } from '../core/profiles/service';\n")).toHaveLength(1);
  });
});
