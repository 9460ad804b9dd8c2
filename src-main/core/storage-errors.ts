/** SQLite could not grow the data file: the disk (or the quota, or the file's page limit) is full. */
export const isDiskFull = (error: unknown): boolean =>
  error instanceof Error && 'code' in error && typeof error.code === 'string' && (error.code === 'SQLITE_FULL' || error.code.startsWith('SQLITE_FULL_'));
