/**
 * The console's strings: every key in all four languages with the plural
 * forms each language needs, the same placeholders everywhere, no key left
 * unused, and French typography (a narrow no-break space before : ; ? !,
 * « » quotes, ’ apostrophes).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resources } from '../../../src-renderer/i18n/resources';
import { CONSOLE_LANGUAGES } from '../../../src-shared/console-languages';

type Tree = { readonly [key: string]: string | Tree };
const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

const strings = Object.fromEntries(CONSOLE_LANGUAGES.map((lng) => [lng, flatten(resources[lng])])) as Record<(typeof CONSOLE_LANGUAGES)[number], Map<string, string>>;
const baseKey = (key: string): string => key.replace(PLURAL_SUFFIX, '');

/** Key (plural forms folded) → its plural forms, or null for a plain key. */
function shape(flat: Map<string, string>): Map<string, Set<string> | null> {
  const out = new Map<string, Set<string> | null>();
  for (const key of flat.keys()) {
    const match = PLURAL_SUFFIX.exec(key);
    if (match === null) {
      out.set(key, null);
      continue;
    }
    const base = baseKey(key);
    const forms = out.get(base) ?? new Set<string>();
    forms.add(match[1] ?? '');
    out.set(base, forms);
  }
  return out;
}

const placeholders = (text: string): string[] => [...text.matchAll(/\{\{\s*([\w.]+)/g)].map((m) => m[1] ?? '').sort();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'locales' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

describe('console strings', () => {
  const english = shape(strings.en);

  it('has strings in English', () => {
    expect(english.size).toBeGreaterThan(10);
  });

  for (const lng of CONSOLE_LANGUAGES) {
    it(`${lng}: has exactly the English keys, each plural with every form ${lng} needs, and no empty string`, () => {
      const own = shape(strings[lng]);
      expect([...own.keys()].sort()).toEqual([...english.keys()].sort());
      const needed = new Intl.PluralRules(lng).resolvedOptions().pluralCategories;
      for (const [key, forms] of own) {
        if ((english.get(key) ?? null) === null) {
          expect(forms, `${lng}: ${key} is plural here but not in English`).toBeNull();
          continue;
        }
        expect(forms === null ? [] : [...forms].sort(), `${lng}: plural forms of ${key}`).toEqual(expect.arrayContaining([...needed].sort()));
      }
      for (const [key, text] of strings[lng]) expect(text.trim(), `${lng}: ${key} is empty`).not.toBe('');
    });

    it(`${lng}: each string has the same placeholders as in English`, () => {
      for (const [key, text] of strings[lng]) {
        const base = baseKey(key);
        const reference = strings.en.get(base) ?? strings.en.get(`${base}_other`) ?? strings.en.get(key);
        expect(reference, `${lng}: ${key} has no English`).toBeDefined();
        const expected = new Set(placeholders(reference ?? ''));
        // A plural form may leave out {{count}} ("un profil"), nothing else.
        const got = placeholders(text).filter((p) => p !== 'count');
        expect(new Set(got), `${lng}: placeholders of ${key}`).toEqual(new Set([...expected].filter((p) => p !== 'count')));
      }
    });
  }

  it('French follows French typography: a no-break space before : ; ? !, « » quotes, ’ apostrophes', () => {
    const problems: string[] = [];
    for (const [key, text] of strings.fr) {
      const plain = text.replace(/\{\{[^}]*\}\}/g, 'x').replace(/<\/?\w+>/g, '');
      if (/(?<![\u202f\u00a0])[;?!]/.test(plain) || /(?<![\u202f\u00a0])[:](?=\s|$)/.test(plain)) problems.push(`${key}: no-break space before : ; ? !`);
      if (plain.includes('"') || /“|”/.test(plain)) problems.push(`${key}: quotes are « »`);
      if (plain.includes("'")) problems.push(`${key}: apostrophe is ’`);
      if (/«(?!\u00a0|\u202f)|(?<!\u00a0|\u202f)»/.test(plain)) problems.push(`${key}: « » take a no-break space inside`);
    }
    expect(problems).toEqual([]);
  });

  it('uses every key: each appears whole as a string literal in the console source (rules.* are the shared rules’ codes)', () => {
    const source = sourceFiles(resolve('src-renderer'))
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    const literals = new Set([...source.matchAll(/(['"`])([a-z][\w-]*(?:\.[\w-]+)+)\1/g)].map((m) => m[2] ?? ''));
    const unused = [...english.keys()].filter((key) => !key.startsWith('rules.') && !literals.has(key));
    expect(unused).toEqual([]);
  });
});
