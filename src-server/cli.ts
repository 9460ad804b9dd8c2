import { readFileSync } from 'node:fs';
import { ConfigError, HELP, parseCli, redactUrl } from './config';
import { dkimDnsRecord } from './mail/options';
import { INSECURE_TLS_WARNING, startServer } from './app';
import { OPERATOR_COMMANDS, runOperatorCommand } from './operator-cli';

/** `npm run server [-- options]`: the Roster server on its defaults (SQLite, dev mailbox, demo organisation). */
async function main(): Promise<void> {
  const first = process.argv[2];
  if (first !== undefined && (OPERATOR_COMMANDS as readonly string[]).includes(first)) {
    const result = await runOperatorCommand(process.argv.slice(2), process.env);
    for (const line of result.out) console.log(line);
    for (const line of result.err) console.error(line);
    process.exit(result.code);
  }
  let options;
  try {
    options = parseCli(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`roster-server: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  if (options.help) {
    console.log(HELP);
    return;
  }
  const { config } = options;
  const server = await startServer(config);
  const lines = [
    '',
    `Roster server listening on ${server.url}`,
    `  public URL (links in emails)  ${server.publicBaseUrl}`,
    `  database                      ${server.db.dialect === 'sqlite' ? `SQLite ${server.db.location}` : `PostgreSQL ${server.db.location}`}`,
    `  API                           ${server.url}/api/v1   (OpenAPI: ${server.url}/openapi.json)`,
    server.devMailbox === null
      ? `  email                         via ${redactUrl(config.smtpUrl) ?? ''}`
      : `  dev mailbox (no SMTP set)     ${server.url}/dev/mailbox   (emails stay on this machine)`,
  ];
  if (config.mail.dkim !== undefined) {
    const { dkim } = config.mail;
    lines.push(
      `  DKIM                          signed for ${dkim.domain}, selector ${dkim.selector}; publish in DNS:`,
      // A TXT string holds at most 255 characters: a 2048-bit key's record is given as several, which DNS joins.
      `    ${dkim.selector}._domainkey.${dkim.domain}. IN TXT ( ${(dkimDnsRecord(readFileSync(dkim.privateKeyFile, 'utf8')).match(/.{1,250}/g) ?? []).map((part) => `"${part}"`).join(' ')} )`,
    );
  }
  if (config.mail.smtpInsecureTls && server.devMailbox === null) lines.push('', `  WARNING ${INSECURE_TLS_WARNING}`);
  if (server.demoCredentials !== null) {
    lines.push(
      '',
      `  Demo organisation "${server.demoCredentials.organisationName}": sign in with`,
      `    email     ${server.demoCredentials.email}`,
      `    password  ${server.demoCredentials.password}`,
      '  (shown this once: only a hash is kept; --reset-demo-password prints a new one)',
    );
  }
  console.log(lines.join('\n') + '\n');

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\nroster-server: ${signal}, stopping…`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => {
    stop('SIGINT');
  });
  process.on('SIGTERM', () => {
    stop('SIGTERM');
  });
}

main().catch((error: unknown) => {
  console.error(`roster-server: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
