import { expect, test } from "@playwright/test";
import { signIn } from "./helpers";

test("on a phone the list and the thread are separate screens", async ({ page }) => {
  await signIn(page);
  const list = page.getByTestId("thread-list");
  await expect(list).toBeVisible();
  await expect(page.locator(".thread-pane")).toBeHidden();

  const row = list.locator(".thread-link").first();
  // Comfortable tap targets. Polled: a live change (the demo's fresh replies being decided) may
  // re-render the element between finding and measuring it.
  await expect.poll(async () => (await row.boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(44);
  await row.tap();
  await expect(page.locator(".timeline .entry").first()).toBeVisible();
  await expect(list).toBeHidden();

  const back = page.getByRole("link", { name: "Back to inbox" });
  await expect(back).toBeVisible();
  await expect.poll(async () => (await back.boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(44);

  await page.getByRole("textbox", { name: "Message", exact: true }).fill("Replying from my phone");
  await page.getByRole("button", { name: "Send reply" }).tap();
  await expect(page.locator(".timeline .entry").last()).toContainText("Replying from my phone");

  // The campaign context opens over the thread on demand.
  await page.getByRole("button", { name: "Details" }).tap();
  await expect(page.locator(".context-panel select[name=stage]")).toBeVisible();
  await page.getByRole("button", { name: "Close" }).tap();
  await expect(page.locator(".context-panel")).toBeHidden();

  await back.tap();
  await expect(list).toBeVisible();
  await expect(page.locator(".thread-pane")).toBeHidden();
});
