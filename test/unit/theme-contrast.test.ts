/**
 * The console's colours: every pair it draws text with reaches WCAG AA
 * (4.5:1), for every colour of the palette, not only those a page shows today.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_THEME, luminance } from '@mantine/core';
import { FILLED, contrast, cssVariablesResolver, readableOn } from '../../src-renderer/theme';

const AA = 4.5;
const colours = Object.entries(DEFAULT_THEME.colors);
const light = cssVariablesResolver(DEFAULT_THEME).light;
const variable = (name: `--${string}`): string => {
  const value = light[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};
/** A value that names another palette colour (var(--mantine-color-red-9)) as its hex. */
const resolve = (value: string): string => {
  const match = /^var\(--mantine-color-([a-z]+)-(\d)\)$/.exec(value);
  if (match === null) return value;
  const shade = DEFAULT_THEME.colors[match[1] ?? '']?.[Number(match[2])];
  if (shade === undefined) throw new Error(`${value} is not a palette colour`);
  return shade;
};

describe('contrast', () => {
  it('is the WCAG ratio: 21 for black on white, 1 for a colour on itself, the same either way round', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#868e96', '#868e96')).toBeCloseTo(1, 5);
    expect(contrast('#868e96', '#ffffff')).toBeCloseTo(contrast('#ffffff', '#868e96'), 10);
    expect(contrast('#868e96', '#ffffff')).toBeCloseTo(3.32, 2);
  });

  it('readableOn leaves a colour that already reads as it is, and darkens one that does not until it does', () => {
    expect(readableOn('#212529', '#ffffff')).toBe('#212529');
    const darkened = readableOn('#fab005', '#fff3bf');
    expect(contrast('#fab005', '#fff3bf')).toBeLessThan(AA);
    expect(contrast(darkened, '#fff3bf')).toBeGreaterThanOrEqual(AA);
  });
});

describe('the console theme in the light scheme', () => {
  it('dimmed text reads on white, the light greys and every light colour background', () => {
    const dimmed = variable('--mantine-color-dimmed');
    // "dark" is the dark scheme's palette: its light shades are greys no light-scheme surface uses.
    const backgrounds = ['#ffffff', ...colours.filter(([name]) => name !== 'dark').flatMap(([, shades]) => [shades[0], shades[1]])];
    for (const background of backgrounds) expect(contrast(dimmed, background), `dimmed on ${background}`).toBeGreaterThanOrEqual(AA);
  });

  it('error messages read on white and on the light red of an error cell', () => {
    const error = resolve(variable('--mantine-color-error'));
    for (const background of ['#ffffff', DEFAULT_THEME.colors.red[0], DEFAULT_THEME.colors.red[1]]) {
      expect(contrast(error, background), `error on ${background}`).toBeGreaterThanOrEqual(AA);
    }
  });

  for (const [name, shades] of colours) {
    it(`${name}: light badges, buttons and alerts read at rest and hovered; filled ones with the text autoContrast gives them`, () => {
      const text = variable(`--mantine-color-${name}-light-color`);
      expect(contrast(text, shades[1]), `${name} light`).toBeGreaterThanOrEqual(AA);
      expect(contrast(text, shades[2]), `${name} light, hovered`).toBeGreaterThanOrEqual(AA);
      const filled = shades[FILLED.primaryShade];
      const onFilled = luminance(filled) > FILLED.luminanceThreshold ? DEFAULT_THEME.black : DEFAULT_THEME.white;
      expect(contrast(onFilled, filled), `${name} filled`).toBeGreaterThanOrEqual(AA);
    });
  }
});
