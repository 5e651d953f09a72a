import AxeBuilder from "@axe-core/playwright";
import { test, expect, Page } from "@playwright/test";
import * as http from "http";
import * as crypto from "crypto";
import { hydrated, live, portalLink, signIn } from "./helpers";
import { chromium } from "../chromium";

// A partner's dashboard on another origin (http://localhost:PARENT) frames the app
// (http://127.0.0.1:PORT). The frame has no cookie of the app's: it signs in from the token.
const PARENT_PORT = Number(process.env.E2E_PARENT_PORT || 3297);
const PARENT = `http://localhost:${PARENT_PORT}`;
// The same page on an origin the partner did not register.
const STRANGER = `http://127.0.0.1:${PARENT_PORT}`;

// Chromium is told to block third-party cookies, as Safari and Firefox do by default (and on plain
// http a cross-site frame could not use the app's Lax cookie anyway): the frame signs in from its
// token alone and holds no cookie (checked below).
test.use({ launchOptions: { ...chromium, args: [...chromium.args, "--test-third-party-cookie-phaseout"] } });

const b64url = (b: Buffer | string) =>
  Buffer.from(b).toString("base64").replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");

/** What the partner's server does: an HS256 token for one frame. */
function signToken(kid: string, key: string, aud: string, extra: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  const header = b64url(JSON.stringify({ alg: "HS256", typ: "JWT", kid }));
  const claims = b64url(
    JSON.stringify({ aud, iat: now, exp: now + 300, jti: crypto.randomUUID(), view: "inbox", user_name: "Jo", ...extra }),
  );
  const sig = b64url(crypto.createHmac("sha256", key).update(`${header}.${claims}`).digest());
  return `${header}.${claims}.${sig}`;
}

/** The parent page: frames `src`, records the frame's messages, can post to it. */
function parentPage(src: string, appOrigin: string) {
  return `<!doctype html><html lang="en"><head><title>Acme dashboard</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head><body style="margin:0">
<h1>Acme dashboard</h1>
<iframe id="inbox" title="Creator conversations" src="${src}" style="width:100%;height:600px;border:0;display:block"></iframe>
<script>
  window.received = [];
  window.addEventListener("message", (e) => {
    if (e.origin !== ${JSON.stringify(appOrigin)}) return;
    window.received.push(e.data);
    if (e.data && e.data.type === "resize") document.getElementById("inbox").style.height = e.data.height + "px";
  });
  window.toFrame = (msg) => document.getElementById("inbox").contentWindow.postMessage(msg, ${JSON.stringify(appOrigin)});
</script></body></html>`;
}

let server: http.Server;
let page_html = "";

test.beforeAll(async () => {
  server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end(page_html);
  });
  await new Promise<void>((r) => server.listen(PARENT_PORT, () => r()));
});

test.afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

async function registerPartner(page: Page, member = false) {
  await page.goto("/embeds");
  await hydrated(page);
  await page.getByLabel("Name").fill(member ? "Acme workspace" : "Acme dashboard");
  await page.getByLabel("Parent origins (one per line)").fill(PARENT);
  const client = page.getByTestId("embed-client");
  const firstClient = await client.locator("option").nth(1).getAttribute("value");
  await client.selectOption(firstClient!);
  if (member) {
    await page.getByTestId("embed-role").selectOption("member");
    await page.getByLabel("Approvals").check();
    await page.getByLabel("Reports").check();
  }
  await page.getByRole("button", { name: "Add partner" }).click();
  const card = page.getByTestId("embed-key");
  await expect(card).toBeVisible();
  const kid = await card.getByLabel("Partner id (kid)").inputValue();
  const key = await card.getByLabel("Signing key").inputValue();
  const aud = await card.getByLabel("Audience (aud)").inputValue();
  await page.screenshot({ path: "test-results/embeds-settings.png", fullPage: true });
  return { kid, key, aud, client: firstClient! };
}

test("a partner's dashboard frames one client's inbox, live, and talks to it", async ({ page, browser, baseURL }) => {
  await signIn(page);
  const { kid, key, aud, client } = await registerPartner(page);
  const appOrigin = new URL(baseURL!).origin;

  // The owner's view of that client's threads: the frame must show exactly these.
  await page.goto(`/?client=${client}`);
  await hydrated(page);
  const owned = page.getByTestId("thread-list").locator(".thread-link");
  await expect(owned.first()).toBeVisible();
  // Counted while the list stands: a live refresh re-renders it for a moment, so the count is the
  // one the poll saw, not a second read that may land in the re-render (it read 0 twice in a run).
  let ownedCount = 0;
  await expect.poll(async () => (ownedCount = await owned.count())).toBeGreaterThan(0);

  const token = signToken(kid, key, aud);
  page_html = parentPage(`${appOrigin}/embed/${kid}#token=${token}`, appOrigin);
  const dash = await (await browser.newContext()).newPage();
  await dash.goto(`${PARENT}/`);
  const frame = dash.frameLocator("#inbox");
  const rows = frame.getByTestId("embed-thread");
  await expect(rows.first()).toBeVisible();
  await expect(rows).toHaveCount(ownedCount);
  // The frame announced itself, its unread count and its height to the parent.
  await expect
    .poll(async () => dash.evaluate(() => (window as any).received.map((m: any) => m.type)))
    .toEqual(expect.arrayContaining(["ready", "unread.changed", "resize"]));
  const messages = await dash.evaluate(() => (window as any).received);
  expect(messages.every((m: any) => m.v === 1)).toBe(true);
  // The frame passes axe (no serious or critical violation).
  const axe = await new AxeBuilder({ page: dash }).analyze();
  const serious = axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
  // The token never stays in the frame's address, and the frame holds no cookie of the app's.
  const frameUrl = dash.frames().find((f) => f.url().includes("/embed/"))!.url();
  expect(frameUrl).not.toContain("token=");
  expect(await dash.context().cookies(appOrigin)).toEqual([]);

  // The parent opens a thread; the creator's message there reaches the frame live.
  await owned.first().click();
  await page.waitForURL(/\/t\//);
  await live(page);
  const threadId = new URL(page.url()).pathname.split("/").pop()!;
  await dash.evaluate((id) => (window as any).toFrame({ v: 1, type: "navigate", thread: id }), threadId);
  await expect(frame.getByTestId("embed-open-thread")).toBeVisible();
  await expect
    .poll(async () => dash.evaluate(() => (window as any).received.filter((m: any) => m.type === "thread.opened").map((m: any) => m.thread)))
    .toContain(threadId);
  const portalUrl = await portalLink(page);
  const creator = await (await browser.newContext()).newPage();
  await creator.goto(portalUrl);
  await hydrated(creator);
  const said = `Draft is ready for you (${Date.now()})`;
  await creator.getByLabel("Your message").fill(said);
  await creator.getByRole("button", { name: "Send" }).click();
  await expect(frame.getByTestId("embed-open-thread")).toContainText(said, { timeout: 20_000 });
  await creator.context().close();
  // A refreshed token keeps the frame where it was, on a new session.
  const readies = async () =>
    dash.evaluate(() => (window as any).received.filter((m: any) => m.type === "ready").length);
  const before = await readies();
  await dash.evaluate((t) => (window as any).toFrame({ v: 1, type: "token.refresh", token: t }), signToken(kid, key, aud));
  await expect(frame.getByTestId("embed-open-thread")).toContainText(said);
  await expect(rows.first()).toBeVisible();
  expect(await readies()).toBe(before);
  await dash.screenshot({ path: "test-results/embed-frame.png", fullPage: true });

  // The same token in a second frame is refused.
  const again = await (await browser.newContext()).newPage();
  await again.goto(`${PARENT}/`);
  await expect(again.frameLocator("#inbox").getByRole("alert")).toContainText("used already");
  await again.context().close();

  // At a phone's width the frame stacks and never scrolls sideways; its height follows its content.
  page_html = parentPage(`${appOrigin}/embed/${kid}#token=${signToken(kid, key, aud)}`, appOrigin);
  const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true })).newPage();
  await phone.goto(`${PARENT}/`);
  await expect(phone.frameLocator("#inbox").getByTestId("embed-thread").first()).toBeVisible();
  const embedFrame = phone.frames().find((f) => f.url().includes("/embed/"))!;
  expect(await embedFrame.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
  await expect
    .poll(async () => phone.evaluate(() => document.getElementById("inbox")!.getBoundingClientRect().height))
    .toBeGreaterThan(844);
  await phone.screenshot({ path: "test-results/embed-phone.png" });
  // There a conversation takes the frame, with the way back to the list.
  await phone.frameLocator("#inbox").getByTestId("embed-thread").first().click();
  await expect(phone.frameLocator("#inbox").getByTestId("embed-open-thread")).toBeVisible();
  await expect(phone.frameLocator("#inbox").getByTestId("embed-threads")).toBeHidden();
  await phone.frameLocator("#inbox").getByRole("button", { name: "‹ All conversations" }).click();
  await expect(phone.frameLocator("#inbox").getByTestId("embed-threads")).toBeVisible();
  await phone.context().close();

  // A page on an origin the partner did not register cannot frame the app.
  page_html = parentPage(`${appOrigin}/embed/${kid}#token=${signToken(kid, key, aud)}`, appOrigin);
  const stranger = await (await browser.newContext()).newPage();
  const blocked: string[] = [];
  stranger.on("console", (m) => blocked.push(m.text()));
  await stranger.goto(`${STRANGER}/`);
  await stranger.waitForTimeout(1500);
  await expect(stranger.frameLocator("#inbox").getByTestId("embed")).toHaveCount(0);
  await stranger.context().close();
  await dash.context().close();
});

test("a member frame replies as the partner's user and shows the client's approvals and report", async ({ page, browser, baseURL }) => {
  await signIn(page);
  const { kid, key, aud } = await registerPartner(page, true);
  const appOrigin = new URL(baseURL!).origin;
  const open = async (view: string) => {
    page_html = parentPage(`${appOrigin}/embed/${kid}#token=${signToken(kid, key, aud, { view })}`, appOrigin);
    const dash = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await dash.goto(`${PARENT}/`);
    return dash;
  };

  // A member opens a conversation and replies: sent as "Jo via Acme workspace", or, on a
  // sensitive topic, held for approval with the reason.
  const dash = await open("inbox");
  const frame = dash.frameLocator("#inbox");
  await frame.getByTestId("embed-thread").first().click();
  const thread = frame.getByTestId("embed-open-thread");
  await expect(thread.getByLabel("Stage")).toBeVisible();
  const said = `Thanks, we will confirm the date tomorrow (${Date.now()})`;
  await thread.getByLabel("Reply to the creator").fill(said);
  await thread.getByRole("button", { name: "Send" }).click();
  const status = thread.getByTestId("embed-reply").getByRole("status");
  await expect(status).toBeVisible();
  if ((await status.textContent())!.startsWith("Sent")) {
    const mine = thread.locator(".embed-msg", { hasText: said });
    await expect(mine).toContainText("Jo via Acme workspace");
  } else {
    await expect(status).toContainText("approv");
  }
  await dash.screenshot({ path: "test-results/embed-member.png" });
  await dash.context().close();

  // The approvals view lists the client's waiting drafts (or says none is waiting).
  const approvals = await open("approvals");
  const pane = approvals.frameLocator("#inbox").getByTestId("embed-approvals");
  await expect(pane.getByRole("heading", { name: "Waiting for approval" })).toBeVisible();
  await expect(pane.locator(".draft-card, .embed-note").first()).toBeVisible();
  await approvals.context().close();

  // The report view shows the client's figures and funnel.
  const reports = await open("reports");
  const report = reports.frameLocator("#inbox").getByTestId("embed-reports");
  await expect(report.getByRole("heading", { name: "Campaign report" })).toBeVisible();
  await expect(report.getByText("Acceptance of contacted creators")).toBeVisible();
  await reports.screenshot({ path: "test-results/embed-reports.png", fullPage: true });
  await reports.context().close();
});
