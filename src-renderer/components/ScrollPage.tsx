import { Box } from '@mantine/core';
import type { ReactNode } from 'react';

/** A page that scrolls inside the main area (as the Dashboard does): the header, navigation and status bar stay. */
export function ScrollPage({ children }: { children: ReactNode }) {
  return (
    <Box pb="md" style={{ flex: 1, minHeight: 0, overflowY: 'auto' }}>
      {children}
    </Box>
  );
}
