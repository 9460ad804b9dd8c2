import { describe, expect, it } from 'vitest';
import { ConfigError, parseCli } from '../../../src-server/config';
import { checkLoopbackRequest } from '../../../src-server/lib/host-guard';
import { renderWelcome } from '../../../src-server/mail/templates';
import { readAppLinks } from '../../../src-server/services/organisations';

describe('app links', () => {
  it('the CLI and the environment take https, or http only to this machine', () => {
    const links = (ios: string) => JSON.stringify({ ios, android: 'https://play.google.com/store/apps/details?id=x', web: 'https://app.example.org' });
    for (const bad of ['javascript:alert(1)', 'data:text/html,hi', 'http://apps.example.com/x', 'ftp://x.example.com', 'https://u:p@apps.example.com/']) {
      expect(() => parseCli(['--app-links', links(bad)], {}), bad).toThrow(ConfigError);
      expect(() => parseCli([], { ROSTER_APP_LINKS: links(bad) }), bad).toThrow(/app link "ios"/);
    }
    expect(parseCli(['--app-links', links('http://localhost:5173/ios')], {}).config.appLinks.ios).toBe('http://localhost:5173/ios');
    expect(parseCli(['--app-links', links('https://apps.apple.com/app/x')], {}).config.appLinks.ios).toBe('https://apps.apple.com/app/x');
    expect(() => parseCli(['--app-links', JSON.stringify({ iphone: 'https://x.example' })], {})).toThrow(/only "ios", "android" and "web"/);
  });

  it('email 2 never turns a bad link into a link, even from a message queued before the check', () => {
    const mail = renderWelcome('en_US', {
      firstName: 'Ann',
      organisationName: 'Acme',
      appLinks: { ios: 'javascript:alert(1)', android: 'data:text/html,<script>alert(1)</script>', web: 'https://app.example.org/' },
    });
    for (const body of [mail.text, mail.html]) {
      expect(body).not.toMatch(/javascript:|data:/);
      expect(body).toContain('https://app.example.org/');
    }
    expect(mail.html.match(/<a /g)).toHaveLength(1);
  });

  it('stored links read back only when safe', () => {
    expect(readAppLinks(JSON.stringify({ ios: 'javascript:x', android: 'https://a.example', web: 'http://127.0.0.1:1/w' }))).toEqual({ ios: null, android: 'https://a.example', web: 'http://127.0.0.1:1/w' });
    expect(readAppLinks('not json')).toEqual({ ios: null, android: null, web: null });
  });
});

describe('the dev mailbox host guard', () => {
  const base = { origin: undefined, fetchSite: undefined, port: 4280 };
  it('takes a loopback Host of this port, with no Origin or its own', () => {
    for (const host of ['127.0.0.1:4280', 'localhost:4280', 'LOCALHOST:4280', '[::1]:4280']) expect(checkLoopbackRequest({ ...base, host }).ok, host).toBe(true);
    expect(checkLoopbackRequest({ ...base, host: '127.0.0.1:4280', origin: 'http://127.0.0.1:4280', fetchSite: 'same-origin' }).ok).toBe(true);
    expect(checkLoopbackRequest({ ...base, host: '127.0.0.1:4280', fetchSite: 'none' }).ok).toBe(true);
  });

  it('refuses another Host, another origin, or another site', () => {
    for (const host of [undefined, 'evil.example', 'evil.example:4280', '127.0.0.1', '127.0.0.1:4281', '127.0.0.2:4280']) expect(checkLoopbackRequest({ ...base, host }).ok, String(host)).toBe(false);
    for (const origin of ['http://evil.example', 'null', 'https://127.0.0.1:4280', 'http://127.0.0.1:5173']) expect(checkLoopbackRequest({ ...base, host: '127.0.0.1:4280', origin }).ok, origin).toBe(false);
    for (const fetchSite of ['cross-site', 'same-site']) expect(checkLoopbackRequest({ ...base, host: '127.0.0.1:4280', fetchSite }).ok, fetchSite).toBe(false);
  });
});
