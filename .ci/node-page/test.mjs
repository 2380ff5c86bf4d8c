// End-to-end test of the clerk's page of `linli serve` [API-060] in Debian's headless Chromium.
//
// usage: node test.mjs  (environment: LINLI_URL the node, LINLI_DATA its --data directory,
//   LINLI_LOADED a directory of the NDJSON files loaded into it, LINLI_CLEAN a clean dataset file,
//   LINLI_BAD an NDJSON file with an invalid record, LINLI_BAD_CODE the finding code expected,
//   LINLI_OUT the screenshot directory)
// Prints "N passed, M failed" last; exits 1 when any check failed.
import { chromium } from "playwright-core";
import { readFileSync, readdirSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const env = (k) => {
  const v = process.env[k];
  if (!v) {
    console.error(`node-page: ${k} is not set`);
    process.exit(2);
  }
  return v;
};
const base = env("LINLI_URL").replace(/\/$/, "");
const data = env("LINLI_DATA");
const loaded = env("LINLI_LOADED");
const clean = env("LINLI_CLEAN");
const bad = env("LINLI_BAD");
const badCode = env("LINLI_BAD_CODE");
const out = env("LINLI_OUT");
mkdirSync(out, { recursive: true });
const token = readFileSync(join(data, "tokens", "clerk.token"), "utf8").trim();

// What was loaded, counted from the files themselves, not from the node.
const expected = {};
for (const f of readdirSync(loaded).filter((f) => f.endsWith(".ndjson"))) {
  for (const line of readFileSync(join(loaded, f), "utf8").split("\n")) {
    if (line.trim()) {
      const t = JSON.parse(line).type;
      expected[t] = (expected[t] || 0) + 1;
    }
  }
}
const total = Object.values(expected).reduce((a, b) => a + b, 0);

let passed = 0;
let failed = 0;
function check(name, ok, detail) {
  if (ok) {
    passed++;
    console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}${detail === undefined ? "" : ": " + JSON.stringify(detail)}`);
  }
}

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
try {
  const context = await browser.newContext({ viewport: { width: 1100, height: 1400 } });
  const page = await context.newPage();
  page.setDefaultTimeout(20000);

  // Every request the page makes goes to the node; the console stays clean.
  const origin = new URL(base).origin;
  const foreign = [];
  const requests = [];
  const consoleErrors = [];
  const pageErrors = [];
  page.on("request", (r) => {
    const u = r.url();
    requests.push(u);
    if (!u.startsWith("about:") && !u.startsWith("data:") && new URL(u).origin !== origin) foreign.push(u);
  });
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => pageErrors.push(String(e)));

  const text = async (sel) => ((await page.locator(sel).textContent()) || "").trim();
  const count = async (type) => Number(await text(`#counts tr[data-type="${type}"] td`));
  const report = page.frameLocator("#report");
  const upload = async (file) => {
    await page.locator("#file").setInputFiles(file);
    await page.locator("#check").click();
  };

  // 1. Chinese first.
  const resp = await page.goto(base + "/");
  check("page answers 200", resp && resp.status() === 200, resp && resp.status());
  const csp = (resp && resp.headers()["content-security-policy"]) || "";
  check("page sent with a Content-Security-Policy", /default-src 'self'/.test(csp) && /connect-src 'self'/.test(csp), csp);
  check("title in Chinese", (await page.title()) === "邻里数据交换节点", await page.title());
  check("heading in Chinese", (await text("h1")).includes("邻里数据交换节点"), await text("h1"));
  check("html lang zh-CN", (await page.getAttribute("html", "lang")) === "zh-CN");
  check("says nothing is stored (zh)", (await text("#note")).includes("不保存任何内容"), await text("#note"));
  check("token input has its label", (await page.getByLabel("访问令牌", { exact: true }).count()) === 1);
  check("file input has its label", (await page.getByLabel("导出文件", { exact: true }).count()) === 1);
  await page.screenshot({ path: join(out, "page-zh-start.png"), fullPage: true });

  // 2. The English switch changes every label and is remembered.
  await page.locator("#lang-en").click();
  check("title in English", (await page.title()) === "Linli exchange node", await page.title());
  check("heading in English", (await text("h1")).startsWith("Linli exchange node"), await text("h1"));
  check("html lang en", (await page.getAttribute("html", "lang")) === "en");
  check("token label in English", (await page.getByLabel("Access token", { exact: true }).count()) === 1);
  check("file label in English", (await page.getByLabel("Export file", { exact: true }).count()) === 1);
  check("says nothing leaves this node (en)", (await text("#note")).includes("nothing leaves this node"), await text("#note"));
  const leftover = await page.evaluate(() =>
    [...document.querySelectorAll("[data-t]")].map((e) => e.textContent).filter((s) => /[\u4e00-\u9fff]/.test(s)));
  check("no Chinese label left in English", leftover.length === 0, leftover);
  check("English switch pressed", (await page.getAttribute("#lang-en", "aria-pressed")) === "true");
  await page.reload();
  check("language kept over a reload (localStorage)", (await page.title()) === "Linli exchange node");

  // 3. The clerk's token, typed and submitted with the keyboard: counts and the feed's position.
  await page.locator("#token").focus();
  await page.keyboard.type(token);
  await page.keyboard.press("Enter");
  await page.locator("#status").waitFor({ state: "visible" });
  for (const [type, n] of Object.entries(expected)) {
    check(`count of ${type} is ${n}`, (await count(type)) === n, await count(type));
  }
  check(`total is ${total}`, (await count("total")) === total, await count("total"));
  const api = await (await fetch(base + "/v1/status", { headers: { Authorization: `Bearer ${token}` } })).json();
  const feed = await text("#feed");
  check("feed position shown as the node says", feed === api.feed && /^f1\.\d+$/.test(feed), { feed, api: api.feed });
  check("feed position covers every write", Number(feed.slice(3)) >= total, feed);
  check("token not in the URL", !page.url().includes(token) && !requests.some((u) => u.includes(token)));
  check("token input emptied", (await page.inputValue("#token")) === "");
  check("token in sessionStorage", (await page.evaluate(() => sessionStorage.getItem("linli.token"))) === token);
  check("token not in localStorage", !(await page.evaluate(() => JSON.stringify(localStorage))).includes(token));
  await page.screenshot({ path: join(out, "page-en-status.png"), fullPage: true });

  // 4. A clean dataset: the report says PASS.
  await upload(clean);
  await report.locator("#verdict").waitFor();
  const verdictClean = ((await report.locator("#verdict").textContent()) || "").trim();
  check("clean upload: report shows PASS", /PASS/.test(verdictClean) && !/FAIL/.test(verdictClean), verdictClean);
  check("progress names the file", (await text("#progress")).includes(clean.split("/").pop()), await text("#progress"));
  await page.screenshot({ path: join(out, "page-en-pass.png"), fullPage: true });

  // 5. A file with an invalid record: FAIL and the finding's code.
  await upload(bad);
  await report.locator(`[data-code="${badCode}"]`).first().waitFor();
  const verdictBad = ((await report.locator("#verdict").textContent()) || "").trim();
  check("bad upload: report shows FAIL", /FAIL/.test(verdictBad), verdictBad);
  check(`bad upload: report names ${badCode}`, (await report.locator("body").textContent()).includes(badCode));
  await page.screenshot({ path: join(out, "page-en-fail.png"), fullPage: true });

  // 6. Back to Chinese: the report is checked again in Chinese.
  await page.locator("#lang-zh").click();
  await report.locator("html[lang^='zh']").waitFor();
  const verdictZh = ((await report.locator("#verdict").textContent()) || "").trim();
  check("report in Chinese says 不合格", verdictZh.includes("不合格"), verdictZh);
  check("status labels back in Chinese", (await text('#counts tr[data-type="Person"] th')).startsWith("人员"));
  await page.screenshot({ path: join(out, "page-zh-fail.png"), fullPage: true });

  // 7. A file the node cannot read: the API's error with its code instead of a report.
  const broken = join(out, "broken.zip");
  writeFileSync(broken, "PK\u0003\u0004 not a zip archive");
  await upload(broken);
  await page.locator("#error").waitFor({ state: "visible" });
  const errBroken = await text("#error code");
  check("unreadable upload: its own code shown", errBroken === "api-upload-unreadable", errBroken);
  check("unreadable upload: message in Chinese", /[\u4e00-\u9fff]/.test(await text("#error")), await text("#error"));
  check("unreadable upload: no report left", (await page.locator("#report").count()) === 0);

  // 8. Checking stored nothing: the counts and the feed are as before.
  await page.locator("#refresh").click();
  await page.waitForFunction((f) => document.getElementById("feed").textContent === f, feed);
  check("after the checks the feed has not moved", (await text("#feed")) === feed);
  check("after the checks the total is unchanged", (await count("total")) === total);

  // 9. A wrong token: the API's error, with its code, in the chosen language.
  await page.locator("#token").fill("not-a-token");
  await page.locator("#connect").click();
  await page.locator("#error").waitFor({ state: "visible" });
  const errZh = await text("#error");
  check("wrong token: api-unauthenticated shown", errZh.includes("api-unauthenticated"), errZh);
  check("wrong token: message in Chinese", errZh.includes("令牌无效"), errZh);
  check("wrong token: counts hidden", await page.locator("#status").isHidden());
  check("wrong token: the report before is gone", (await page.locator("#report").count()) === 0);
  check("error is an alert", (await page.getAttribute("#error", "role")) === "alert");
  await page.screenshot({ path: join(out, "page-zh-error.png"), fullPage: true });
  await page.locator("#lang-en").click();
  const errEn = await text("#error");
  check("wrong token: message in English", errEn.includes("api-unauthenticated") && errEn.includes("unknown token"), errEn);
  await page.screenshot({ path: join(out, "page-en-error.png"), fullPage: true });

  // 10. No foreign request, no page error; the only console errors are the browser's own
  //     notes of the two deliberate failures (the unreadable file's 422, the wrong token's 401).
  check("no request to any other host", foreign.length === 0, foreign);
  check("the token in no request's URL", !requests.some((u) => u.includes(token)));
  check("no page errors", pageErrors.length === 0, pageErrors);
  const unexpected = consoleErrors.filter((m) => !/Failed to load resource: .*status of (422|401)/.test(m));
  check("no console errors", unexpected.length === 0, unexpected);
  check("the deliberate 422 and 401 are the only failed loads", consoleErrors.length === 2, consoleErrors);
} catch (e) {
  check("test ran to the end", false, String(e && e.stack ? e.stack : e));
} finally {
  await browser.close();
}
console.log(`node-page: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
