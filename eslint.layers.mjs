// The layering described in docs/ARCHITECTURE.md ("The layers"), as lint rules.
// Exported on its own so a unit test can prove each rule fires (test/unit/layering.test.ts).
const nodeBuiltins = ['fs', 'fs/promises', 'path', 'os', 'child_process', 'http', 'https', 'net', 'worker_threads', 'crypto'];
const io = [...nodeBuiltins, ...nodeBuiltins.map((m) => `node:${m}`)];

// Folders are reached by relative paths only, so these never match a package name such as 'electron'.
const otherParts = (...parts) => parts.map((p) => ({ regex: `^\\.\\.?/(.*/)?${p}(/|$)`, message: `This layer may not import ${p}.` }));

/** @type {import('eslint').Linter.Config[]} */
export const layers = [
  {
    files: ['src-shared/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [...io, 'electron', 'react', 'better-sqlite3'].map((name) => ({ name, message: 'src-shared is contract and rules only: no I/O, no platform.' })),
        patterns: otherParts('src-main', 'src-renderer', 'src-server', 'src-import'),
      }],
    },
  },
  {
    files: ['src-import/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [...io, 'electron', 'react', 'react-dom', 'better-sqlite3', 'fastify', 'kysely'].map((name) => ({ name, message: 'src-import is the pure import engine shared by the console and the server: bytes in, rows out, no I/O.' })),
        patterns: otherParts('src-main', 'src-renderer', 'src-server'),
      }],
    },
  },
  {
    files: ['src-main/core/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: ['electron', 'react', 'react-dom', 'better-sqlite3'].map((name) => ({ name, message: 'core reaches the platform through its ports only.' })),
        patterns: [...otherParts('src-renderer', 'src-server', 'db', 'electron', 'host', 'preload'), { group: ['@mantine/*'], message: 'core has no UI.' }],
      }],
    },
  },
  {
    files: ['src-main/db/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: ['electron', 'react', 'react-dom'].map((name) => ({ name, message: 'db is the replica only.' })),
        patterns: otherParts('src-renderer', 'src-server', 'electron', 'host', 'preload'),
      }],
    },
  },
  {
    files: ['src-main/runtime/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'runtime is shared by Electron and the browser host: no Electron here.' }, { name: 'react', message: 'runtime does not render.' }],
        patterns: otherParts('src-renderer', 'src-server', 'electron', 'host', 'preload'),
      }],
    },
  },
  {
    files: ['src-main/host/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'host runs under plain Node, without Electron.' }, { name: 'react', message: 'host serves the built renderer; it does not render.' }],
        patterns: otherParts('src-renderer', 'src-server', 'electron', 'preload'),
      }],
    },
  },
  {
    files: ['src-main/electron/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [{ name: 'react', message: 'main process does not render.' }],
        patterns: otherParts('src-renderer', 'src-server', 'host', 'preload'),
      }],
    },
  },
  {
    files: ['src-main/preload/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [...io, 'better-sqlite3', 'react'].map((name) => ({ name, message: 'the preload exposes the typed API and nothing else.' })),
        patterns: otherParts('src-renderer', 'src-server', 'core', 'db', 'host', 'electron'),
      }],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [...io, 'electron', 'better-sqlite3', 'fastify', 'kysely'].map((name) => ({ name, message: 'the renderer talks only to the typed API client.' })),
        patterns: [
          { regex: '^\\.\\.?/(.*/)?src-(main|server|import)(/|$)', allowTypeImports: true, message: 'the renderer may import only types (and src-shared) from the rest.' },
        ],
      }],
    },
  },
  {
    files: ['src-server/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: ['electron', 'react', 'react-dom'].map((name) => ({ name, message: 'the server has no desktop or UI part.' })),
        patterns: otherParts('src-main', 'src-renderer'),
      }],
    },
  },
];
