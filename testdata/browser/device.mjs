// A real browser approves a device on the embedded server's verification
// page (RFC 8628 §3.3).
//
//   node device.mjs VERIFICATION_URI_COMPLETE USER_CODE RESULT.json [deny]
//
// It opens the URL in Chromium (CHROMIUM, default /usr/bin/chromium) as a
// person who scanned the QR code would, checks the code arrived filled in,
// signs in as alice and allows (or denies) the device, and writes what it
// saw to RESULT.json: the page title, the code in the field, the page it
// landed on and its text, and any Content Security Policy violation.
import { run } from './chromium.mjs';

const [url, userCode, out, mode] = process.argv.slice(2);
const result = { page_title: '', prefilled: '', final_url: '', final_text: '', csp: [], error: '' };
await run(out, result, async (page) => {
  await page.goto(url, { timeout: 20000 });
  result.page_title = await page.title();
  result.prefilled = await page.inputValue('#device-user-code');
  if (result.prefilled === '') await page.fill('#device-user-code', userCode);
  await page.fill('#username', 'alice');
  await page.fill('#password', 'alice');
  await Promise.all([
    page.waitForLoadState('load'),
    page.waitForNavigation({ timeout: 20000 }),
    page.click(mode === 'deny' ? '#deny' : '#approve'),
  ]);
  result.final_url = page.url();
  result.final_text = await page.innerText('body');
});
