import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { languageOf, loginPage } from './pages.js';

const req = (url: string, headers: Record<string, string> = {}): IncomingMessage =>
  ({ url, headers }) as unknown as IncomingMessage;

describe('the login page', () => {
  it('speaks the language asked for, then the remembered one, then ui_locales, then the browser’s', () => {
    expect(languageOf(req('/interaction/x?lang=zh', { cookie: 'onestop_lang=en' }))).toBe('zh');
    expect(languageOf(req('/interaction/x', { cookie: 'a=1; onestop_lang=zh' }), 'en')).toBe('zh');
    expect(languageOf(req('/interaction/x'), 'zh-CN en')).toBe('zh');
    expect(languageOf(req('/interaction/x', { 'accept-language': 'zh-CN,zh;q=0.9' }))).toBe('zh');
    expect(languageOf(req('/interaction/x', { 'accept-language': 'de-DE' }))).toBe('en');
  });

  it('escapes what the user typed, labels every field and announces an error', () => {
    const html = loginPage({
      lang: 'en',
      action: '/interaction/u1/login',
      switchHref: '/interaction/u1?lang=zh',
      username: '"><script>alert(1)</script>',
      error: 'wrong',
    });
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&quot;&gt;&lt;script&gt;');
    expect(html).toContain('<label for="username">Username</label>');
    expect(html).toContain('<label for="password">Password</label>');
    expect(html).toContain('role="alert"');
    expect(html).toContain('autocomplete="current-password"');
    expect(html).not.toContain('Demo accounts'); // only when a demo password is given (outside production)
  });

  it('is Chinese from the html lang down', () => {
    const html = loginPage({ lang: 'zh', action: '/a', switchHref: '/b', demoPassword: 'onestop-demo' });
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('登录 OneStop');
    expect(html).toContain('演示账号');
    expect(html).toContain('hreflang="en"');
  });
});
