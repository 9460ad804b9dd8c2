/**
 * Request body limits. Every route a caller reaches without a session (the
 * invitation page, sign-in, the dev mailbox, health, anything unknown) takes
 * at most 16 KiB, whatever the content type (JSON, form, text): it needs far
 * less, and an anonymous caller must not make the server buffer megabytes.
 * Routes behind a session keep what they need: a push page of 1,000
 * mutations is several megabytes.
 */
export const PUBLIC_BODY_LIMIT = 16 * 1024;
export const API_BODY_LIMIT = 32 * 1024 * 1024;

export const describeBytes = (bytes: number): string =>
  bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : bytes >= 1024 && bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`;
