import { expect, Page } from "@playwright/test";

export const OWNER = { email: "dana@northstar.example", password: "creator-inbox-demo" };
export const VIEWER = { email: "sam@northstar.example", password: "creator-inbox-demo" };

/** Waits until the wasm app has hydrated, so clicks reach Leptos handlers; fails at once, with the
 * panic's message, when the app stopped instead (the entry point writes it to `data-panic`). */
export async function hydrated(page: Page) {
  await page.waitForFunction(() => document.body.dataset.hydrated === "1" || document.body.dataset.panic);
  const panic = await page.evaluate(() => document.body.dataset.panic);
  if (panic) throw new Error(`the app panicked on ${page.url()}: ${panic}`);
}

export async function signIn(page: Page, who = OWNER) {
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname === "/");
  await expect(page.getByTestId("thread-list")).toBeVisible();
  // Signing in loads the inbox afresh: controls answer once the app has hydrated.
  await hydrated(page);
}

export const MANAGER = { email: "marco@northstar.example", password: "creator-inbox-demo" };
export const MEMBER = { email: "ava@northstar.example", password: "creator-inbox-demo" };

/** Waits until the page's live connection says it is live. */
export async function live(page: Page) {
  await expect(page.locator(".live-state")).toHaveAttribute("data-state", "live");
}

/** Creates (or replaces) the open thread's creator-portal link and returns its URL. */
export async function portalLink(page: Page): Promise<string> {
  const section = page.getByTestId("portal-section");
  await section.getByRole("button", { name: /Create link|Replace link/ }).click();
  return section.getByTestId("portal-url").inputValue();
}

const SMS_SID = "AC" + "5e".repeat(16);
const SMS_TOKEN = "0123456789abcdef".repeat(2);

/** Connects SMS (the fake Twilio of end2end/fake-twilio.mjs) unless another spec did already. */
export async function connectSms(page: Page) {
  await page.goto("/channels");
  await hydrated(page);
  const sms = page.getByTestId("sms-card");
  await expect(sms).toBeVisible();
  if ((await sms.textContent())?.includes("Not connected")) {
    await sms.getByLabel("Account SID").fill(SMS_SID);
    await sms.getByLabel("Auth token").fill(SMS_TOKEN);
    await sms.getByLabel("Numbers (E.164, comma-separated)").fill("+1 (415) 555-0100");
    await sms.getByRole("button", { name: "Connect SMS" }).click();
    await expect(sms).toContainText("Connected");
  }
}
