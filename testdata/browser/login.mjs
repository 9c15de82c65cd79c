// A real browser signs in on the embedded authorization server's login page.
//
//   node login.mjs AUTHORIZATION_URL RESULT.json
//
// It opens the URL in Chromium (CHROMIUM, default /usr/bin/chromium), signs
// in as alice, allows the consent, follows the redirect to oauthlab's
// loopback callback and writes what it saw to RESULT.json: the callback URL
// (code redacted), the callback page's text, and any Content Security Policy
// violation the browser reported (a CSP form-action rule once blocked the
// redirect to the loopback callback in real browsers, which form posts in
// Go tests cannot see).
import { run } from './chromium.mjs';

const [url, out] = process.argv.slice(2);
const result = { login_page_title: '', callback_url: '', callback_text: '', csp: [], error: '' };
await run(out, result, async (page) => {
  await page.goto(url, { timeout: 20000 });
  result.login_page_title = await page.title();
  await page.fill('#username', 'alice');
  await page.fill('#password', 'alice');
  await Promise.all([
    page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/callback\?/, { timeout: 20000 }),
    page.click('button[value=allow]'),
  ]);
  result.callback_url = page.url().replace(/code=[^&]+/, 'code=REDACTED');
  result.callback_text = await page.innerText('body');
});
