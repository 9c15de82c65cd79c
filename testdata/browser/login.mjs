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
import { chromium } from 'playwright-core';
import { writeFileSync, renameSync } from 'node:fs';

const [url, out] = process.argv.slice(2);
const result = { login_page_title: '', callback_url: '', callback_text: '', csp: [], error: '' };
let browser;
try {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    // The flags this machine needs: no sandbox as root, and no background
    // traffic to Google's hosts on a closed network.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage();
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) result.csp.push(m.text()); });
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
} catch (e) {
  result.error = String(e && e.message || e);
} finally {
  if (browser) await browser.close();
  writeFileSync(out + '.tmp', JSON.stringify(result, null, 2));
  renameSync(out + '.tmp', out);
}
