/** Command-line flags shared by the Electron entry and the browser host. */
export interface LaunchArgs {
  dataDir: string | undefined;
  port: number | undefined;
  open: boolean;
  browser: boolean;
  /** `--restore-backup <name|latest>`: put this copy of the data file in place before opening it. */
  restoreBackup: string | undefined;
}

export function parseLaunchArgs(argv: readonly string[]): LaunchArgs {
  const args: LaunchArgs = { dataDir: undefined, port: undefined, open: true, browser: false, restoreBackup: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--data-dir':
        args.dataDir = value();
        break;
      case '--port': {
        const port = Number(value());
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be a number from 0 to 65535');
        args.port = port;
        break;
      }
      case '--restore-backup':
        args.restoreBackup = value();
        break;
      case '--no-open':
        args.open = false;
        break;
      case '--browser':
        args.browser = true;
        break;
      default:
        // Electron and Chromium add switches of their own; they are not ours to refuse.
        break;
    }
  }
  return args;
}

/** The --data-dir flag's value, read leniently (never throws): to say where the data is even when another flag is wrong. */
export function findDataDirFlag(argv: readonly string[]): string | undefined {
  let found: string | undefined;
  argv.forEach((arg, i) => {
    if (arg.startsWith('--data-dir=')) found = arg.slice('--data-dir='.length);
    else if (arg === '--data-dir') found = argv[i + 1];
  });
  return found === '' ? undefined : found;
}
