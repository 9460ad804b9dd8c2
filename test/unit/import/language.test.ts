import { describe, expect, it } from 'vitest';
import { guessLanguage } from '../../../src-import/language';

describe('language values', () => {
  it.each([
    ['en_US', 'en_US', 'exact'],
    ['fr_BE', 'fr_BE', 'exact'],
    ['nl_BE', 'nl_BE', 'exact'],
    ['French', 'fr_BE', 'known-name'],
    ['Français', 'fr_BE', 'known-name'],
    ['FRANCAIS', 'fr_BE', 'known-name'],
    ['FR', 'fr_BE', 'known-name'],
    ['fr-be', 'fr_BE', 'known-name'],
    ['fr_be', 'fr_BE', 'known-name'],
    ['Frans', 'fr_BE', 'known-name'],
    ['Französisch', 'fr_BE', 'known-name'],
    ['Nederlands', 'nl_BE', 'known-name'],
    ['Néerlandais', 'nl_BE', 'known-name'],
    ['NL', 'nl_BE', 'known-name'],
    ['Vlaams', 'nl_BE', 'known-name'],
    ['Dutch', 'nl_BE', 'known-name'],
    ['English', 'en_US', 'known-name'],
    ['Anglais', 'en_US', 'known-name'],
    ['Engels', 'en_US', 'known-name'],
    ['inglés', 'en_US', 'known-name'],
    ['en-GB', 'en_US', 'known-name'],
    ['French (Belgium)', 'fr_BE', 'known-name'],
  ])('%j → %s', (value, code, reason) => {
    const guess = guessLanguage(value);
    expect(guess.mapped).toBe(code);
    expect(guess.reason).toBe(reason);
  });

  it('is less sure of another country’s code and of first-word guesses', () => {
    expect(guessLanguage('fr_FR').confidence).toBeLessThan(guessLanguage('fr_BE').confidence);
    expect(guessLanguage('Nederlands - Vlaanderen')).toEqual({ mapped: 'nl_BE', confidence: 0.75, reason: 'known-name' });
  });

  it('leaves unknown values unmapped and empty ones to the default', () => {
    expect(guessLanguage('Klingon')).toEqual({ mapped: null, confidence: 0, reason: 'unknown' });
    expect(guessLanguage('  ')).toEqual({ mapped: null, confidence: 1, reason: 'default' });
  });
});
