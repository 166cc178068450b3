import type { IncomingMessage } from 'node:http';
import { DEMO_ACCOUNTS } from '../accounts/accounts.js';

/** The provider's pages speak English and Simplified Chinese. */
export type Lang = 'en' | 'zh';

const TEXT = {
  en: {
    title: 'Sign in to OneStop',
    brand: 'OneStop',
    brandSub: 'Work and residence permits for foreign talents, Beijing',
    username: 'Username',
    password: 'Password',
    submit: 'Sign in',
    signingIn: 'Signing in…',
    wrong: 'The username or password is not right. Check both and try again.',
    missing: 'Enter your username and password.',
    problem: 'There is a problem',
    switchTo: '中文',
    switchLang: 'zh',
    demoTitle: 'Demo accounts (development only)',
    demoHelp: (pw: string) => `Every demo account has the password “${pw}”.`,
    roles: {
      MANAGER: 'Manager (Talents Center)',
      WP_OFFICER: 'Work-permit officer (Talents Center)',
      EE_OFFICER: 'Exit-Entry officer',
      CLERK: 'Counter clerk',
      AGENCY: 'Partner agency',
    },
    signOutTitle: 'Signing out of OneStop',
    signOutBody: 'You are being signed out of OneStop on this browser.',
    signOutButton: 'Sign out',
    signedOutTitle: 'You are signed out',
    signedOutBody: 'You have been signed out of OneStop on this browser.',
    errorTitle: 'Sign-in could not continue',
    errorBody: 'Go back to OneStop and sign in again.',
  },
  zh: {
    title: '登录 OneStop',
    brand: 'OneStop 一站式服务',
    brandSub: '北京外国人才工作许可与居留许可',
    username: '用户名',
    password: '密码',
    submit: '登录',
    signingIn: '正在登录…',
    wrong: '用户名或密码不正确，请检查后重试。',
    missing: '请输入用户名和密码。',
    problem: '出现问题',
    switchTo: 'English',
    switchLang: 'en',
    demoTitle: '演示账号（仅限开发环境）',
    demoHelp: (pw: string) => `所有演示账号的密码均为“${pw}”。`,
    roles: {
      MANAGER: '管理人员（人才中心）',
      WP_OFFICER: '工作许可审核员（人才中心）',
      EE_OFFICER: '出入境管理民警',
      CLERK: '窗口工作人员',
      AGENCY: '合作代理机构',
    },
    signOutTitle: '正在退出 OneStop',
    signOutBody: '正在此浏览器上退出 OneStop。',
    signOutButton: '退出登录',
    signedOutTitle: '您已退出登录',
    signedOutBody: '您已在此浏览器上退出 OneStop。',
    errorTitle: '无法继续登录',
    errorBody: '请返回 OneStop 重新登录。',
  },
} as const;

/** The language of a page: `?lang=`, then the remembered choice (cookie), then `ui_locales`, then Accept-Language. */
export function languageOf(req: IncomingMessage, uiLocales?: unknown): Lang {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const asked = url.searchParams.get('lang');
  if (asked === 'en' || asked === 'zh') return asked;
  const cookie = /(?:^|;\s*)onestop_lang=(en|zh)\b/.exec(String(req.headers.cookie ?? ''));
  if (cookie) return cookie[1] as Lang;
  if (typeof uiLocales === 'string') {
    const first = uiLocales.split(' ')[0] ?? '';
    if (first.startsWith('zh')) return 'zh';
    if (first.startsWith('en')) return 'en';
  }
  return /^\s*zh/i.test(String(req.headers['accept-language'] ?? '')) ? 'zh' : 'en';
}

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;background:#f3f4f6;color:#111827}
header{background:#0b3d91;color:#fff;padding:.75rem 1.25rem;display:flex;justify-content:space-between;align-items:center;gap:1rem;flex-wrap:wrap}
header .brand{font-weight:700;font-size:1.125rem}
header .sub{display:block;font-size:.85rem;opacity:.9;font-weight:400}
header a{color:#fff;font-weight:600;padding:.25rem .5rem;border-radius:4px}
header a:focus-visible{outline:3px solid #fbbf24;outline-offset:2px}
main{max-width:26rem;margin:2.5rem auto;padding:0 1rem}
.card{background:#fff;border:1px solid #d1d5db;border-radius:8px;padding:1.5rem}
h1{font-size:1.5rem;margin:0 0 1rem}
label{display:block;font-weight:600;margin:1rem 0 .25rem}
input{width:100%;font:inherit;padding:.6rem .7rem;border:2px solid #4b5563;border-radius:4px}
input:focus-visible{outline:3px solid #fbbf24;outline-offset:0;border-color:#111827}
input[aria-invalid=true]{border-color:#b91c1c}
button{margin-top:1.5rem;width:100%;font:inherit;font-weight:700;padding:.7rem;background:#0b3d91;color:#fff;border:0;border-radius:4px;cursor:pointer}
button:hover{background:#082d6b}
button:focus-visible{outline:3px solid #fbbf24;outline-offset:2px}
.error{border:3px solid #b91c1c;border-radius:6px;padding:.75rem 1rem;margin-bottom:1rem;background:#fef2f2}
.error h2{font-size:1.05rem;margin:0 0 .25rem;color:#7f1d1d}
.error p{margin:0}
.demo{margin-top:1.5rem;font-size:.9rem;color:#374151}
.demo h2{font-size:1rem;margin:0 0 .25rem}
.demo ul{padding-left:1.25rem;margin:.25rem 0}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;background:#eef2ff;padding:0 .25rem;border-radius:3px;color:#1e1b4b}
`;

function layout(lang: Lang, title: string, body: string, switchHref?: string): string {
  const t = TEXT[lang];
  const other = switchHref
    ? `<a href="${esc(switchHref)}" lang="${t.switchLang === 'zh' ? 'zh-CN' : 'en'}" hreflang="${t.switchLang === 'zh' ? 'zh-CN' : 'en'}">${t.switchTo}</a>`
    : '';
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · ${esc(t.brand)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><span class="brand">${esc(t.brand)}<span class="sub">${esc(t.brandSub)}</span></span>${other}</header>
<main id="main">
${body}
</main>
</body>
</html>`;
}

/** What the login form shows. */
export interface LoginView {
  lang: Lang;
  action: string;
  /** The same page in the other language. */
  switchHref: string;
  username?: string;
  error?: 'wrong' | 'missing';
  /** Development: list the seeded accounts and their password. */
  demoPassword?: string;
}

/** The sign-in form: labelled fields, an error summary that is announced and focused, the other language one link away. */
export function loginPage(v: LoginView): string {
  const t = TEXT[v.lang];
  const error = v.error
    ? `<div class="error" role="alert" tabindex="-1" id="error-summary" aria-labelledby="error-title">
<h2 id="error-title">${esc(t.problem)}</h2><p id="error-text">${esc(v.error === 'wrong' ? t.wrong : t.missing)}</p></div>`
    : '';
  const invalid = v.error ? ' aria-invalid="true" aria-describedby="error-text"' : '';
  const demo = v.demoPassword
    ? `<section class="demo" aria-labelledby="demo-title"><h2 id="demo-title">${esc(t.demoTitle)}</h2><ul>${DEMO_ACCOUNTS.map(
        (a) =>
          `<li><code>${esc(a.username)}</code> — ${esc(t.roles[a.role])}${a.counterId ? ` (${esc(a.counterId)})` : ''}</li>`,
      ).join('')}</ul><p>${esc(t.demoHelp(v.demoPassword))}</p></section>`
    : '';
  const body = `<div class="card">
<h1>${esc(t.title)}</h1>
${error}
<form method="post" action="${esc(v.action)}" novalidate>
<label for="username">${esc(t.username)}</label>
<input id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${esc(v.username ?? '')}"${invalid}${v.username ? '' : ' autofocus'}>
<label for="password">${esc(t.password)}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${invalid}${v.username ? ' autofocus' : ''}>
<input type="hidden" name="lang" value="${v.lang}">
<button type="submit">${esc(t.submit)}</button>
</form>
${demo}
</div>
${v.error ? '<script>document.getElementById("error-summary").focus()</script>' : ''}`;
  return layout(v.lang, t.title, body, v.switchHref);
}

/** RP-initiated logout: the provider's confirmation form, submitted at once (the user asked to sign out in OneStop). */
export function logoutPage(ctx: { req: IncomingMessage }, form: string): string {
  const lang = languageOf(ctx.req);
  const t = TEXT[lang];
  const withButton = form.replace(
    '</form>',
    `<button type="submit" name="logout" value="yes">${esc(t.signOutButton)}</button></form>`,
  );
  const body = `<div class="card"><h1>${esc(t.signOutTitle)}</h1><p>${esc(t.signOutBody)}</p>${withButton}</div>
<script>(function(){var f=document.forms[0];var i=document.createElement('input');i.type='hidden';i.name='logout';i.value='yes';f.appendChild(i);f.submit();})()</script>`;
  return layout(lang, t.signOutTitle, body);
}

/** After a sign-out with no way back to the application. */
export function postLogoutPage(ctx: { req: IncomingMessage }): string {
  const lang = languageOf(ctx.req);
  const t = TEXT[lang];
  return layout(
    lang,
    t.signedOutTitle,
    `<div class="card"><h1>${esc(t.signedOutTitle)}</h1><p>${esc(t.signedOutBody)}</p></div>`,
  );
}

/** An OAuth error the user sees (an expired sign-in, a bad request from the application). */
export function errorPage(ctx: { req: IncomingMessage }, out: { error?: string; error_description?: string }): string {
  const lang = languageOf(ctx.req);
  const t = TEXT[lang];
  const detail = [out.error, out.error_description].filter(Boolean).join(': ');
  return layout(
    lang,
    t.errorTitle,
    `<div class="card"><h1>${esc(t.errorTitle)}</h1><p>${esc(t.errorBody)}</p>${detail ? `<p><code>${esc(detail)}</code></p>` : ''}</div>`,
  );
}
