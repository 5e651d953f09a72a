import { expect, Page, test } from "@playwright/test";
import { hydrated, signIn } from "./helpers";

const twilio = `http://127.0.0.1:${process.env.FAKE_TWILIO_PORT || 3299}`;
const SID = "AC" + "5e".repeat(16);
const TOKEN = "0123456789abcdef".repeat(2);

async function sentByTwilio(page: Page): Promise<{ to: string; body: string }[]> {
  const r = await page.request.get(`${twilio}/__sent`);
  return r.json();
}

/** Opens threads from the top until one offers SMS as a reply channel; returns its URL. */
async function openSmsThread(page: Page) {
  const links = page.getByTestId("thread-list").locator(".thread-link");
  await expect(links.first()).toBeVisible();
  for (let i = 0; i < 15; i++) {
    await links.nth(i).click();
    const picker = page.getByTestId("reply-channel");
    await expect(picker).toBeVisible();
    if ((await picker.locator("option", { hasText: "SMS" }).count()) > 0) {
      await picker.selectOption({ label: "SMS" });
      return;
    }
  }
  throw new Error("no thread offers SMS");
}

test("an owner connects SMS, a reply goes out by SMS and its status updates live; a refused one can be retried", async ({ page }) => {
  await signIn(page);
  await page.getByRole("link", { name: "Channels" }).click();
  await expect(page.getByRole("heading", { name: "Channels" })).toBeVisible();
  const sms = page.getByTestId("sms-card");
  await expect(sms).toContainText(/Not connected|Connected/);
  // A retry (playwright.config.ts) finds it connected by the first attempt.
  if ((await sms.textContent())?.includes("Not connected")) {
    await sms.getByLabel("Account SID").fill(SID);
    await sms.getByLabel("Auth token").fill(TOKEN);
    await sms.getByLabel("Numbers (E.164, comma-separated)").fill("+1 (415) 555-0100");
    await sms.getByRole("button", { name: "Connect SMS" }).click();
    await expect(sms.getByRole("status")).toHaveText("Saved.");
  }
  await expect(sms).toContainText("Connected");
  await expect(sms).toContainText("+14155550100");
  await expect(sms.getByLabel("Auth token")).toHaveValue("");

  await page.goto("/");
  await hydrated(page);
  await openSmsThread(page);
  await expect(page.locator(".channel-detail")).toContainText("to +1");
  const text = `Your kit ships tomorrow (${Date.now()})`;
  await page.getByRole("textbox", { name: "Message", exact: true }).fill(text);
  await page.getByRole("button", { name: "Send reply" }).click();
  const entry = page.locator(".timeline .entry", { hasText: text });
  await expect(entry).toContainText("SMS");
  await expect(entry.locator(".status")).toHaveText("Sent");
  expect((await sentByTwilio(page)).filter((m) => m.body === text)).toHaveLength(1);

  // Twilio refuses the first attempt: the reason shows with a Retry button; the retry goes out.
  const refused = `Tracking link inside [refuse] (${Date.now()})`;
  await page.getByTestId("reply-channel").selectOption({ label: "SMS" });
  await page.getByRole("textbox", { name: "Message", exact: true }).fill(refused);
  await page.getByRole("button", { name: "Send reply" }).click();
  const failed = page.locator(".timeline .entry", { hasText: refused });
  await expect(failed.locator(".entry-failure")).toContainText("21211");
  await failed.getByRole("button", { name: "Retry" }).click();
  await expect(failed.locator(".status")).toHaveText("Sent");
  await expect(failed.locator(".entry-failure")).toHaveCount(0);
  expect((await sentByTwilio(page)).filter((m) => m.body === refused)).toHaveLength(1);
  await page.screenshot({ path: "test-results/outbound-thread.png" });
});
