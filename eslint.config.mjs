import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import i18next from 'eslint-plugin-i18next';
import { layers } from './eslint.layers.mjs';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.native/**', 'test-results/**', 'playwright-report/**', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true, ignoreVoidReturningFunctions: true }],
      'no-console': 'off',
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    // Every word the console shows goes through i18next (src-renderer/i18n): no user-facing literal in the renderer.
    files: ['src-renderer/**/*.{ts,tsx}'],
    plugins: { i18next },
    rules: {
      'i18next/no-literal-string': [
        'error',
        {
          mode: 'all',
          message: 'A user-facing string must go through t() (src-renderer/i18n/locales)',
          'jsx-attributes': { exclude: ['className', 'style', 'type', 'key', 'id', 'width', 'height', 'data-testid', 'color', 'variant', 'size', 'c', 'fw', 'ff', 'ta', 'tt', 'td', 'justify', 'align', 'gap', 'p', 'px', 'py', 'pt', 'pb', 'pl', 'pr', 'm', 'mx', 'my', 'mt', 'mb', 'ml', 'mr', 'w', 'h', 'miw', 'maw', 'mih', 'mah', 'radius', 'shadow', 'position', 'wrap', 'display', 'direction', 'component', 'href', 'target', 'rel', 'role', 'aria-live', 'aria-hidden', 'name', 'autoComplete', 'inputMode', 'dir', 'lang', 'orientation', 'withinPortal', 'transitionProps', 'order', 'span', 'cols', 'spacing', 'verticalSpacing', 'layout', 'dataKey', 'nameKey', 'valueKey', 'xAxisLabel', 'tabIndex', 'accept', 'mimeType', 'side', 'scrollbars', 'type'] },
          callees: { exclude: ['t', 'i18n(ext)?', 'useApi', 'invoke', 'api\\.invoke', 'on', 'useChanged', 'navigate', 'setItem', 'getItem', 'removeItem', 'getElementById', 'querySelector', 'addEventListener', 'removeEventListener', 'includes', 'startsWith', 'endsWith', 'indexOf', 'split', 'join', 'replace', 'Error', 'Intl\\..*', 'new Intl.*', 'toLocaleString', 'padStart', 'scrollIntoView', 'matchMedia', 'useMediaQuery', 'Set', 'Map', 'Date', 'RegExp'] },
          'object-properties': { exclude: ['[A-Z_-]+', 'page', 'code', 'color', 'variant', 'field', 'mode', 'kind', 'status', 'key', 'id', 'topic', 'sort', 'order', 'direction', 'type', 'behavior', 'block'] },
          words: { exclude: ['[0-9!-/:-@[-`{-~\\s]+', '[A-Z_-]+', '[a-z]+(-[a-z]+)*', '[a-z]+:[a-zA-Z]+', '^\\p{Emoji}+$'] },
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  ...layers,
);
