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

  // The thread's actions are in the lower half, in reach of a thumb; the campaign context opens
  // over the thread on demand, as a sheet from the bottom with the stage and assignee first.
  const details = page.getByRole("button", { name: "Details" });
  const snooze = page.getByRole("combobox", { name: "Snooze" });
  for (const action of [details, snooze]) {
    await expect.poll(async () => (await action.boundingBox())?.y ?? 0).toBeGreaterThan(844 / 2);
  }
  await details.tap();
  const stage = page.locator(".context-panel select[name=stage]");
  await expect(stage).toBeVisible();
  await expect.poll(async () => (await stage.boundingBox())?.y ?? 0).toBeGreaterThan(844 / 4);
  await page.getByRole("button", { name: "Close" }).tap();
  await expect(page.locator(".context-panel")).toBeHidden();

  await back.tap();
  await expect(list).toBeVisible();
  await expect(page.locator(".thread-pane")).toBeHidden();
});

test("on a phone the filters wait behind one button and the ones on are removable chips", async ({ page }) => {
  await signIn(page);
  const list = page.getByTestId("thread-list");
  // No select pushes the list down: the first thread is in the top half of the screen.
  await expect(page.getByRole("combobox", { name: "Stage" })).toBeHidden();
  await expect.poll(async () => (await list.boundingBox())?.y ?? 999).toBeLessThan(844 / 2);

  const button = page.getByTestId("filters-button");
  await button.tap();
  await expect(button).toHaveAttribute("aria-expanded", "true");
  await page.getByRole("combobox", { name: "Channel" }).selectOption("email");
  await page.getByRole("button", { name: "Needs reply" }).tap();
  await page.getByRole("button", { name: "Done" }).tap();
  await expect(page.getByRole("combobox", { name: "Stage" })).toBeHidden();
  await expect(page).toHaveURL(/channel=email/);
  await expect(page).toHaveURL(/needs_reply=1/);
  await expect(button).toContainText("2");

  const chips = page.getByTestId("active-chips");
  await expect(chips.locator("li")).toHaveCount(2);
  await expect(chips).toContainText("Email");
  await chips.getByRole("button", { name: "Remove filter: Needs reply" }).tap();
  await expect(page).not.toHaveURL(/needs_reply/);
  await expect(page).toHaveURL(/channel=email/);
  await expect(chips.locator("li")).toHaveCount(1);
  await page.screenshot({ path: "test-results/phone-filters.png" });
});
