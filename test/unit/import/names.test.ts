import { describe, expect, it } from 'vitest';
import { splitFullName } from '../../../src-import/names';

describe('full name splitting', () => {
  it.each([
    ['Ann Smith', 'Ann', 'Smith', false],
    ['Smith, Ann', 'Ann', 'Smith', false],
    ['DUPONT Jean-Pierre', 'Jean-Pierre', 'DUPONT', false],
    ['Jean-Pierre DUPONT', 'Jean-Pierre', 'DUPONT', false],
    ['VAN DEN BERG Els', 'Els', 'VAN DEN BERG', false],
    ['Jan van der Berg', 'Jan', 'van der Berg', false],
    ['Marie de la Cruz', 'Marie', 'de la Cruz', false],
    ['Mary Ann Smith', 'Mary Ann', 'Smith', true],
    ['  Ann   Smith  ', 'Ann', 'Smith', false],
    ['Madonna', 'Madonna', '', true],
    ['', '', '', false],
  ])('%j', (raw, firstName, lastName, ambiguous) => {
    expect(splitFullName(raw)).toEqual({ firstName, lastName, ambiguous });
  });
});
