import { describe, expect, it } from 'vitest';
import { checkWebUrl, isLoopbackHost } from '../../src-shared/urls';

const problemOf = (raw: string): string | null => {
  const result = checkWebUrl(raw, 'The server address');
  return result.ok ? null : result.problem;
};

describe('isLoopbackHost', () => {
  it('knows this machine by localhost, 127.0.0.0/8 and ::1', () => {
    for (const host of ['localhost', 'LOCALHOST', '127.0.0.1', '127.0.0.53', '127.255.255.254', '::1', '[::1]']) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
  });

  it('refuses names that only look like this machine', () => {
    for (const host of [
      '127.0.0.1.evil.com',
      'evil.com.127.0.0.1',
      'localhost.evil.com',
      'app.localhost',
      'localhost.',
      '127.0.0',
      '127.0.0.1.1',
      '127.0.0.256',
      '127.0.0.08',
      '0127.0.0.1',
      '128.0.0.1',
      '0.0.0.0',
      '::',
      '::ffff:127.0.0.1',
      '[::2]',
      '',
    ]) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
});

describe('checkWebUrl', () => {
  it('accepts https anywhere, and http to this machine only', () => {
    expect(problemOf('https://roster.example.org')).toBeNull();
    expect(problemOf('https://roster.example.org:8443/base')).toBeNull();
    expect(problemOf('http://127.0.0.1:4280')).toBeNull();
    expect(problemOf('http://localhost:4280/')).toBeNull();
    expect(problemOf('http://[::1]:80')).toBeNull();
    expect(problemOf('  http://127.0.0.1:4280  ')).toBeNull();
    // The WHATWG parser reads these as 127.0.0.1, and so does every HTTP client that uses it.
    expect(problemOf('http://127.1')).toBeNull();
    expect(problemOf('http://2130706433/')).toBeNull();
  });

  it('gives back the parsed address', () => {
    const result = checkWebUrl('https://Roster.Example.org/x', 'The server address');
    expect(result.ok && result.url.hostname).toBe('roster.example.org');
  });

  it('refuses http to another machine, and says why', () => {
    const result = checkWebUrl('http://roster.example.org', 'The server address');
    expect(result).toMatchObject({ ok: false, problem: 'insecure' });
    expect(!result.ok && result.message).toMatch(/^The server address must use https:\/\/ for roster\.example\.org: .*unencrypted/);
    expect(problemOf('http://127.0.0.1.evil.com')).toBe('insecure');
    expect(problemOf('http://app.localhost:4280')).toBe('insecure');
    expect(problemOf('http://0.0.0.0:4280')).toBe('insecure');
    expect(problemOf('http://[::ffff:127.0.0.1]/')).toBe('insecure');
  });

  it('refuses schemes other than http and https, naming the field', () => {
    expect(problemOf('javascript:alert(1)')).toBe('scheme');
    expect(problemOf('data:text/html,<script>alert(1)</script>')).toBe('scheme');
    expect(problemOf('file:///etc/passwd')).toBe('scheme');
    expect(problemOf('ftp://roster.example.org')).toBe('scheme');
    const result = checkWebUrl('javascript:alert(1)', 'The app link');
    expect(!result.ok && result.message).toBe('The app link must start with https:// (it starts with javascript:).');
  });

  it('refuses a user name or password in the address, even over https', () => {
    expect(problemOf('https://user:pass@roster.example.org')).toBe('credentials');
    expect(problemOf('https://user@roster.example.org')).toBe('credentials');
    expect(problemOf('http://user:pass@127.0.0.1:4280')).toBe('credentials');
    const result = checkWebUrl('https://a:b@roster.example.org', 'The server address');
    expect(!result.ok && result.message).toBe('The server address must not contain a user name or password.');
  });

  it('refuses what is not an address at all', () => {
    expect(problemOf('')).toBe('invalid');
    expect(problemOf('roster.example.org')).toBe('invalid');
    expect(problemOf('https://')).toBe('invalid');
    expect(problemOf('http://127.0.0.08/')).toBe('invalid');
    const result = checkWebUrl('not an address', 'The server address');
    expect(!result.ok && result.message).toMatch(/^The server address is not a web address/);
  });
});
