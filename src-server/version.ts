export const ROSTER_SERVER_VERSION = '0.1.0';
