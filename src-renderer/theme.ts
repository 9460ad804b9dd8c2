import { useMemo } from 'react';
import { createTheme, darken, luminance, rem } from '@mantine/core';
import type { CSSVariablesResolver, DefaultMantineColor, MantineColorShade, MantineTheme, MantineThemeOverride } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** WCAG AA for text under 18 pt: what every colour pair the console draws text with must reach. */
const MIN_CONTRAST = 4.5;

/** The WCAG contrast ratio of two colours (1 to 21). */
export function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return ((light ?? 0) + 0.05) / ((dark ?? 0) + 0.05);
}

/** `color`, darkened step by step until it reads at AA on `background`. */
export function readableOn(color: string, background: string): string {
  let out = color;
  for (let step = 1; step <= 20 && contrast(out, background) < MIN_CONTRAST; step++) out = darken(color, step * 0.04);
  return out;
}

/** A colour variable of Mantine's light or dark scheme. */
type ColourVariable = `--mantine-color-${string}`;

/** A palette shade as Mantine's own CSS variable (var(--mantine-color-red-9)), so it follows the palette. */
const paletteShade = (colour: DefaultMantineColor, shade: MantineColorShade): string => `var(--mantine-color-${colour}-${shade})`;

/** The light scheme's fixed text colours: "dimmed" a darker grey than Mantine's (3.3:1 on white), errors in red 9. */
const LIGHT_TEXT_COLOURS: Record<ColourVariable, string> = {
  '--mantine-color-dimmed': '#5c636a',
  '--mantine-color-error': paletteShade('red', 9),
};

/**
 * Colours every text passes AA contrast with (the light scheme, the only one
 * the console uses): the fixed text colours above, and the text of light
 * badges, buttons and alerts (shade 9 on shade 1: green, yellow, orange and
 * teal fall below 4.5:1) darkened until it reads on the hovered shade 2 as well.
 */
export const cssVariablesResolver: CSSVariablesResolver = (theme: MantineTheme) => ({
  variables: {},
  light: {
    ...LIGHT_TEXT_COLOURS,
    ...Object.fromEntries(
      Object.entries(theme.colors).map(([name, shades]) => [`--mantine-color-${name}-light-color`, readableOn(shades[9], shades[2])]),
    ),
  },
  dark: {},
});

const OPTION_LIST = { defaultProps: { withScrollArea: false }, styles: { options: { maxHeight: rem(220), overflowY: 'auto' } } } as const;

/**
 * Filled colours use shade 8 (white on indigo 6 is 4.3:1), and a filled
 * background too light for white text gets black (autoContrast, at the
 * luminance where both read the same, about 4.6:1).
 */
export const FILLED = { primaryShade: 8, luminanceThreshold: 0.179 } as const;

/** The console's theme: the colours above; close buttons that only show a cross get a name in the console's language. */
export function useConsoleTheme(): MantineThemeOverride {
  const { t } = useTranslation();
  const close = t('common.actions.close');
  return useMemo(
    () =>
      createTheme({
        primaryColor: 'indigo',
        primaryShade: FILLED.primaryShade,
        defaultRadius: 'sm',
        autoContrast: true,
        luminanceThreshold: FILLED.luminanceThreshold,
        components: {
          Alert: { defaultProps: { closeButtonLabel: close } },
          Modal: { defaultProps: { closeButtonProps: { 'aria-label': close } } },
          Notification: { defaultProps: { closeButtonProps: { 'aria-label': close } } },
          // Mantine's focus placeholder is a focusable div inside role="menu", which only menu items may be. A menu that
          // closes gives focus back to its button (and a dialog one of its items opened, once closed, returns there too).
          Menu: { defaultProps: { withInitialFocusPlaceholder: false, returnFocus: true } },
          // A long option list scrolls as the listbox itself (the field moves through it with the arrows), not in a box inside it
          // that no key can reach.
          Select: OPTION_LIST,
          MultiSelect: OPTION_LIST,
          TagsInput: OPTION_LIST,
          Autocomplete: OPTION_LIST,
        },
      }),
    [close],
  );
}
