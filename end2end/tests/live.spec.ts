import * as crypto from "crypto";
import { Browser, BrowserContext, expect, Page, test, WebSocketRoute } from "@playwright/test";
import { live, MANAGER, OWNER, signIn } from "./helpers";

type Teammate = { ctx: BrowserContext; page: Page };

async function teammate(browser: Browser, who: typeof OWNER, before?: (ctx: BrowserContext) => Promise<void>): Promise<Teammate> {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  if (before) await before(ctx);
  const page = await ctx.newPage();
  await signIn(page, who);
  await live(page);
  // Survives only if the page is never reloaded.
  await page.evaluate(() => ((window as any).__noReload = true));
  return { ctx, page };
}

const composer = (page: Page) => page.getByRole("textbox", { name: "Message", exact: true });

async function reply(page: Page, text: string) {
  await composer(page).fill(text);
  await page.getByRole("button", { name: "Send reply" }).click();
  await expect(composer(page)).toHaveValue("");
}

async function openThread(t: Teammate, id: string) {
  await t.page.locator(`.thread-row[data-thread-id="${id}"] .thread-link`).click();
  await expect(t.page).toHaveURL(new RegExp(`/t/${id}`));
  await expect(t.page.locator(".timeline .entry").first()).toBeVisible();
}

test("a teammate's reply and stage move reach the other's open thread and list without reload", async ({ browser }) => {
  const a = await teammate(browser, OWNER);
  const b = await teammate(browser, MANAGER);
  const bList = b.page.getByTestId("thread-list");
  const open = bList.locator(".thread-row").filter({ hasNotText: /Completed|Declined/ });
  const id = (await open.nth(3).getAttribute("data-thread-id"))!;
  await openThread(a, id);
  await openThread(b, id);
  await composer(b.page).fill("B's unsent draft");

  const text = `Live from Dana (${Date.now()})`;
  await reply(a.page, text);
  await expect(b.page.locator(".timeline .entry").last()).toContainText(text);
  await expect(bList.locator(".thread-row").first()).toHaveAttribute("data-thread-id", id);
  await expect(bList.locator(".thread-row").first()).toContainText(text.slice(0, 24));
  await expect(composer(b.page)).toHaveValue("B's unsent draft");

  // A stage move by A shows in B's header.
  const stage = a.page.locator('.context-panel select[name="stage"]');
  const target = await stage.locator("option").nth(1).getAttribute("value");
  const label = (await stage.locator("option").nth(1).textContent())!.trim();
  await stage.selectOption(target!);
  await expect(b.page.locator(".thread-title")).toContainText(label);
  await expect(composer(b.page)).toHaveValue("B's unsent draft");
  expect(await b.page.evaluate(() => (window as any).__noReload)).toBe(true);
  await a.ctx.close();
  await b.ctx.close();
});

test("after a cut connection the page catches up on what it missed, exactly once", async ({ browser }) => {
  let cut = false;
  const open: WebSocketRoute[] = [];
  const b = await teammate(browser, MANAGER, async (ctx) => {
    await ctx.routeWebSocket(/\/api\/live/, (ws) => {
      if (cut) {
        ws.close();
        return;
      }
      ws.connectToServer();
      open.push(ws);
    });
  });
  const a = await teammate(browser, OWNER);
  const bList = b.page.getByTestId("thread-list");
  const id = (await bList.locator(".thread-row").nth(6).getAttribute("data-thread-id"))!;
  await openThread(b, id);
  await openThread(a, id);

  cut = true;
  for (const ws of open.splice(0)) await ws.close();
  await expect(b.page.locator(".live-state")).toHaveAttribute("data-state", "reconnecting");

  const stamp = Date.now();
  const missed = [`Missed one (${stamp})`, `Missed two (${stamp})`];
  for (const text of missed) await reply(a.page, text);
  await expect(b.page.locator(".timeline")).not.toContainText(missed[0]);

  cut = false;
  await expect(b.page.locator(".live-state")).toHaveAttribute("data-state", "live", { timeout: 30_000 });
  for (const text of missed) {
    await expect(b.page.locator(".timeline .entry", { hasText: text })).toHaveCount(1);
  }
  await expect(bList.locator(".thread-row").first()).toHaveAttribute("data-thread-id", id);
  await expect(bList.locator(`.thread-row[data-thread-id="${id}"]`)).toHaveCount(1);
  expect(await b.page.evaluate(() => (window as any).__noReload)).toBe(true);
  await a.ctx.close();
  await b.ctx.close();
});

test("a creator's message posted through the signed API channel moves the thread to the top of another teammate's list", async ({ browser }) => {
  const a = await teammate(browser, OWNER);
  const b = await teammate(browser, MANAGER);
  const bList = b.page.getByTestId("thread-list");
  const row = bList.locator(".thread-row").nth(8);
  const id = (await row.getAttribute("data-thread-id"))!;

  // The owner's integration settings, and the thread's creator and campaign.
  const settings = await (await a.page.request.post("/api/api_channel_settings")).json();
  const detail = await (await a.page.request.post("/api/get_thread", { form: { thread_id: id } })).json();
  const email = detail.creator.identities.find((i: any) => i.channel === "email").address;
  const text = `Just saw the brief — I'm in! (${Date.now()})`;
  const body = JSON.stringify({ event_id: `e2e-${Date.now()}`, creator: { email }, campaign_id: detail.campaign.id, text });
  const ts = Math.floor(Date.now() / 1000).toString();
  const sig = "v1=" + crypto.createHmac("sha256", settings.secret).update(`${ts}.${body}`).digest("hex");
  const resp = await a.page.request.post(new URL(settings.endpoint).pathname, {
    data: body,
    headers: { "content-type": "application/json", "x-inbox-timestamp": ts, "x-inbox-signature": sig },
  });
  expect(resp.status()).toBe(202);

  const top = bList.locator(".thread-row").first();
  await expect(top).toHaveAttribute("data-thread-id", id);
  await expect(top).toContainText(text.slice(0, 20));
  await expect(top.locator(".badge-needs")).toBeVisible();
  await expect(bList.locator(`.thread-row[data-thread-id="${id}"]`)).toHaveCount(1);
  expect(await b.page.evaluate(() => (window as any).__noReload)).toBe(true);
  await a.ctx.close();
  await b.ctx.close();
});
