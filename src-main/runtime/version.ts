import pkg from '../../package.json';

export const ROSTER_VERSION: string = pkg.version;
