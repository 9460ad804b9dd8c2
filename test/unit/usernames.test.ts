import { describe, expect, it } from 'vitest';
import { checkUsername } from '../../src-shared/profile';
import { candidatePrefix, exampleUsername, foldName, generateUsername, parseUsernameFormat, USERNAME_LIMITS, usernameKey } from '../../src-shared/usernames';
import type { UsernameFormat } from '../../src-shared/usernames';

const format = (raw: string): UsernameFormat => {
  const read = parseUsernameFormat(raw);
  if (!read.ok) throw new Error(`${raw}: ${read.message}`);
  return read.value;
};

/** Makes usernames one after another, each taken once made, as an organisation fills up. */
const makeAll = (raw: string, people: readonly [string, string][], already: readonly string[] = []): string[] => {
  const taken = new Set(already.map(usernameKey));
  return people.map(([firstName, lastName]) => {
    const made = generateUsername(format(raw), { firstName, lastName }, (candidate) => taken.has(usernameKey(candidate)));
    if (!made.ok) throw new Error(made.message);
    taken.add(usernameKey(made.value));
    return made.value;
  });
};

const made = (raw: string, firstName: string, lastName: string): string | null => {
  const result = generateUsername(format(raw), { firstName, lastName }, () => false);
  return result.ok ? result.value : null;
};

describe('username formats', () => {
  it('fills every token', () => {
    expect(made('{first}.{last}', 'Jan', 'Peeters')).toBe('jan.peeters');
    expect(made('{f}{last}', 'Jan', 'Peeters')).toBe('jpeeters');
    expect(made('{first}{l}', 'Jan', 'Peeters')).toBe('janp');
    expect(made('{last}_{f}', 'Jan', 'Peeters')).toBe('peeters_j');
    expect(made('{f}.{l}.{last}-x', 'Jan', 'Peeters')).toBe('j.p.peeters-x');
    expect(made('{last}{nn}', 'Jan', 'Peeters')).toBe('peeters01');
    expect(made('{first}{n}', 'Jan', 'Peeters')).toBe('jan1');
    expect(made('staff-{nn}-{last}', 'Jan', 'Peeters')).toBe('staff-01-peeters');
  });

  it('reads a format whatever its case and spaces around it', () => {
    expect(made('  {FIRST}.{Last} ', 'Jan', 'Peeters')).toBe('jan.peeters');
  });

  it('refuses a format with an unknown token, a stray character, no name or two numbers, each with its code', () => {
    const codeOf = (raw: string): string | null => {
      const read = parseUsernameFormat(raw);
      return read.ok ? null : read.rule.key;
    };
    expect(codeOf('{first}.{surname}')).toBe('username_format_token');
    expect(codeOf('{first} {last}')).toBe('username_format_character');
    expect(codeOf('{first}@{last}')).toBe('username_format_character');
    expect(codeOf('{nn}')).toBe('username_format_no_name');
    expect(codeOf('staff')).toBe('username_format_no_name');
    expect(codeOf('{last}{nn}{n}')).toBe('username_format_two_numbers');
    expect(codeOf('')).toBe('required');
    expect(codeOf(`{first}${'x'.repeat(USERNAME_LIMITS.formatLength)}`)).toBe('too_long');
    expect(codeOf('{first}\u202E{last}')).toBe('hidden_character');
    const token = parseUsernameFormat('{first}.{surname}');
    expect(token.ok ? '' : token.message).toBe('{surname} is not a username format token: use {first}, {last}, {f}, {l}, {nn} or {n}.');
  });
});

describe('folding names', () => {
  it('drops accents and joins the parts of a name', () => {
    expect(made('{first}.{last}', 'Élodie', 'Dupré-Van den Broeck')).toBe('elodie.duprevandenbroeck');
    expect(foldName('Françoise')).toBe('francoise');
    expect(foldName('Ångström')).toBe('angstrom');
    expect(foldName('Weiß')).toBe('weiss');
    expect(foldName('Łukasz Øster Æsir')).toBe('lukaszosteraesir');
    expect(foldName('Núñez')).toBe('nunez');
  });

  it('removes apostrophes, typed straight or curly', () => {
    expect(made('{first}.{last}', 'Seán', "O'Brien")).toBe('sean.obrien');
    expect(made('{f}{last}', 'Anne', 'D’Arcy')).toBe('adarcy');
    expect(made('{first}.{last}', "Jean-D'Arc", 'Van Der Berg')).toBe('jeandarc.vanderberg');
  });

  it('drops the separators of a name that folds to nothing, and refuses when too little is left', () => {
    expect(made('{first}.{last}', '王', 'Lin')).toBe('lin');
    expect(made('{last}.{first}', 'Anna', '–')).toBe('anna');
    const nothing = generateUsername(format('{first}.{last}'), { firstName: '王', lastName: '李' }, () => false);
    expect(nothing.ok).toBe(false);
    if (!nothing.ok) expect(nothing.rule).toEqual({ key: 'username_cannot_generate', params: { firstName: '王', lastName: '李' } });
    expect(made('{f}{l}', 'Al', 'Wu')).toBeNull();
  });

  it('shortens a long name to 64 characters, the last name first, keeping the number', () => {
    const first = 'Maximiliana';
    const last = 'Wolfeschlegelsteinhausenbergerdorff-Vandenbroeckvanderstraeten-Dupont';
    const [one, two] = makeAll('{first}.{last}', [
      [first, last],
      [first, last],
    ]);
    expect(one).toHaveLength(64);
    expect(one?.startsWith('maximiliana.wolfeschlegel')).toBe(true);
    expect(two).toHaveLength(64);
    expect(two?.endsWith('2')).toBe(true);
    expect(two?.slice(0, -1)).toBe(one?.slice(0, -1));
    expect(made('{last}{nn}', first, last)).toMatch(/^wolfeschlegel[a-z]+01$/);
    expect(made('{last}{nn}', first, last)).toHaveLength(64);
    const veryLong = made('{first}-{last}', 'A'.repeat(100), 'B'.repeat(100));
    expect(veryLong).toBe(`${'a'.repeat(62)}-b`);
  });
});

describe('clashes', () => {
  it('numbers the second holder straight after the name, without a number token', () => {
    expect(
      makeAll('{first}.{last}', [
        ['Jan', 'Peeters'],
        ['Jan', 'Peeters'],
        ['Ján', 'Peeters'],
      ]),
    ).toEqual(['jan.peeters', 'jan.peeters2', 'jan.peeters3']);
  });

  it('counts the number token up', () => {
    expect(
      makeAll('{last}{nn}', [
        ['Jan', 'Peeters'],
        ['Mia', 'Peeters'],
      ]),
    ).toEqual(['peeters01', 'peeters02']);
    expect(makeAll('{f}{last}{n}', [['Jan', 'Peeters']], ['jpeeters1', 'JPEETERS2'])).toEqual(['jpeeters3']);
  });

  it('takes a taken name whatever its case as taken', () => {
    expect(makeAll('{first}.{last}', [['Jan', 'Peeters']], ['Jan.Peeters'])).toEqual(['jan.peeters2']);
  });
});

describe('typed usernames', () => {
  it('trims and lower-cases; blank is none', () => {
    expect(checkUsername('  JPeeters ')).toEqual({ ok: true, value: 'jpeeters' });
    expect(checkUsername('jan.peeters_2-b')).toEqual({ ok: true, value: 'jan.peeters_2-b' });
    expect(checkUsername('   ')).toEqual({ ok: true, value: null });
    expect(checkUsername(null)).toEqual({ ok: true, value: null });
    expect(checkUsername(undefined)).toEqual({ ok: true, value: null });
  });

  it('refuses what is not a username, each with its code', () => {
    const codeOf = (raw: string): string | null => {
      const checked = checkUsername(raw);
      return checked.ok ? null : checked.rule.key;
    };
    expect(codeOf('jp')).toBe('username_too_short');
    expect(codeOf('j'.repeat(65))).toBe('too_long');
    expect(codeOf('j'.repeat(64))).toBeNull();
    expect(codeOf('jan peeters')).toBe('username_character');
    expect(codeOf('élodie')).toBe('username_character');
    expect(codeOf("o'brien")).toBe('username_character');
    expect(codeOf('jan@example.com')).toBe('username_character');
    expect(codeOf('.janp')).toBe('username_edges');
    expect(codeOf('janp-')).toBe('username_edges');
    expect(codeOf('jan\u0000p')).toBe('hidden_character');
    const character = checkUsername('jan peeters');
    expect(character.ok ? '' : character.message).toBe('A username may hold only letters a–z, digits, dots, hyphens and underscores (not " ").');
  });
});

describe('the live example', () => {
  it('shows the format on the example person, or nothing for a format that is not one', () => {
    expect(exampleUsername('{first}.{last}')).toBe('elodie.duprevandenbroeck');
    expect(exampleUsername('{f}{last}{nn}')).toBe('eduprevandenbroeck01');
    expect(exampleUsername('{surname}')).toBeNull();
  });
});

describe('the prefix a store looks for', () => {
  it('begins every candidate, numbered or not', () => {
    const check = (raw: string, firstName: string, lastName: string, taken: string[]): void => {
      const prefix = candidatePrefix(format(raw), { firstName, lastName });
      const [madeOne] = makeAll(raw, [[firstName, lastName]], taken);
      expect(madeOne?.startsWith(prefix), `${raw}: ${madeOne ?? ''} / ${prefix}`).toBe(true);
      for (const t of taken) expect(t.startsWith(prefix)).toBe(true);
    };
    check('{first}.{last}', 'Jan', 'Peeters', ['jan.peeters', 'jan.peeters2']);
    check('{last}{nn}', 'Jan', 'Peeters', ['peeters01']);
    check('{f}-{nn}-{last}', 'Jan', 'Peeters', ['j-01-peeters', 'j-02-peeters']);
    check('{first}.{last}', 'Maximiliana', 'W'.repeat(80), ['maximiliana.' + 'w'.repeat(52)]);
    expect(candidatePrefix(format('{first}.{last}'), { firstName: 'Jan', lastName: 'Peeters' })).toBe('jan.peeters');
    expect(candidatePrefix(format('{nn}{last}'), { firstName: 'Jan', lastName: 'Peeters' })).toBe('');
  });
});
