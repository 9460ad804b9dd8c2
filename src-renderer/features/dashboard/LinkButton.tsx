import type { ReactNode } from 'react';
import { Anchor } from '@mantine/core';

/** Secondary text on this page: darker than Mantine's "dimmed", which reads at 3.3:1 on white (WCAG asks 4.5:1). */
export const MUTED = 'gray.7';

/** Filled buttons on this page: white on indigo 8 reads at 6:1 (the theme's indigo 6, at 4.3:1, is under WCAG's 4.5:1). */
export const ACTION = 'indigo.8';

/** A link-styled button that does something on this page: underlined (not told by colour alone) and dark enough to read. */
export function LinkButton({ onClick, children }: { onClick: () => void; children: ReactNode }) {
  return (
    <Anchor component="button" type="button" size="sm" ta="left" c="indigo.8" underline="always" onClick={onClick}>
      {children}
    </Anchor>
  );
}
