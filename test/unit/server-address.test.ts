import { describe, expect, it } from 'vitest';
import { contract } from '../../src-shared/contract';

/** The sync:connect request as the dispatcher parses it: the server address's message, or null when it is accepted. */
function serverUrlProblem(serverUrl: string): string | null {
  const parsed = contract['sync:connect'].request.safeParse({ serverUrl, email: 'admin@example.org', password: 'secret' });
  if (parsed.success) return null;
  const issue = parsed.error.issues.find((i) => i.path.join('.') === 'serverUrl');
  return issue?.message ?? `another field failed: ${parsed.error.message}`;
}

describe('the server address a console signs in to', () => {
  it('must use https for another machine, and the message says why', () => {
    expect(serverUrlProblem('http://roster.example.org')).toBe(
      'The server address must use https:// for roster.example.org: over http:// passwords and personal data would cross the network unencrypted. http:// is accepted only for this machine (localhost, 127.0.0.1, ::1).',
    );
    expect(serverUrlProblem('http://10.0.0.5:4280')).toMatch(/must use https:\/\/ for 10\.0\.0\.5/);
    expect(serverUrlProblem('http://127.0.0.1.evil.com')).toMatch(/must use https:\/\//);
  });

  it('accepts https, and http to this machine (the local server of npm start)', () => {
    expect(serverUrlProblem('https://roster.example.org')).toBeNull();
    expect(serverUrlProblem('https://roster.example.org/')).toBeNull();
    expect(serverUrlProblem('https://roster.example.org:8443/roster')).toBeNull();
    expect(serverUrlProblem('http://127.0.0.1:4280')).toBeNull();
    expect(serverUrlProblem('http://localhost:4280')).toBeNull();
    expect(serverUrlProblem('http://[::1]:4280')).toBeNull();
  });

  it('takes the address without the spaces around it', () => {
    const parsed = contract['sync:connect'].request.safeParse({ serverUrl: '  https://roster.example.org  ', email: 'a@example.org', password: 'p' });
    expect(parsed.success && parsed.data.serverUrl).toBe('https://roster.example.org');
  });

  it('refuses other schemes, credentials, queries and fragments, naming the field', () => {
    expect(serverUrlProblem('javascript:alert(1)')).toBe('The server address must start with https:// (it starts with javascript:).');
    expect(serverUrlProblem('data:text/html,<script>alert(1)</script>')).toMatch(/^The server address must start with https:\/\//);
    expect(serverUrlProblem('https://admin:hunter2@roster.example.org')).toBe('The server address must not contain a user name or password.');
    expect(serverUrlProblem('https://roster.example.org/?org=1')).toMatch(/^The server address must not contain a query/);
    expect(serverUrlProblem('https://roster.example.org/#x')).toMatch(/^The server address must not contain a query \(\?…\) or a fragment/);
    expect(serverUrlProblem('roster.example.org')).toMatch(/^The server address is not a web address/);
    expect(serverUrlProblem(`https://roster.example.org/${'a'.repeat(500)}`)).toBe('The server address is too long (at most 500 characters).');
  });
});
