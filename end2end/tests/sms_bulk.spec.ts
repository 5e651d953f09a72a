import { expect, test } from "@playwright/test";
import { connectSms, hydrated, signIn } from "./helpers";

test("filter a campaign, select all matching, send a bulk message with a merge field, watch it finish, read it in a thread", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page);
  // SMS reaches these creators (the outbound spec may have connected it already).
  await connectSms(page);

  await page.goto("/");
  await hydrated(page);
  await page.getByLabel("Campaign").first().selectOption({ label: "Trail Snacks Gifting" });
  await expect(page).toHaveURL(/campaign=/);
  const bar = page.getByTestId("bulk-bar");
  const selectAll = bar.getByRole("button", { name: /Select all \d+ matching/ });
  await expect(selectAll).toBeVisible();
  const matching = Number((await selectAll.textContent())!.match(/\d+/)![0]);
  expect(matching).toBeGreaterThan(5);
  await selectAll.click();
  await expect(bar).toContainText(`All ${matching} matching selected`);
  await bar.getByRole("link", { name: "Send bulk message" }).click();
  await expect(page.getByRole("heading", { name: "New bulk message" })).toBeVisible();

  const token = `kit-${Date.now()}`;
  await page.getByLabel("Bulk message text").fill(`Hi {{first_name}}, your {{brand}} snacks ship this week (${token}).`);
  const preview = page.getByTestId("bulk-preview");
  await expect(preview.getByTestId("bulk-total")).toHaveText(`${matching} selected`);
  await expect(preview.getByTestId("bulk-sample")).toContainText(`snacks ship this week (${token})`);
  await expect(preview.getByTestId("bulk-sample")).toHaveText(/^Hi \S+, your Trailhead Outfitters snacks/);
  // Those who cannot be reached are listed with the reason before anything is sent.
  await expect(preview.locator("tr.skipped").first()).toContainText("Skipped:");
  const send = page.getByRole("button", { name: /Send now · \d+ creators?/ });
  await send.click();

  await page.waitForURL(/\/bulk\/[a-z0-9]+$/);
  const state = page.getByTestId("bulk-state");
  await expect(state).toHaveText("Done", { timeout: 60_000 });
  const bar2 = page.getByRole("progressbar", { name: "Bulk message progress" });
  await expect(bar2).toHaveAttribute("aria-valuenow", String(matching));
  await expect(page.getByTestId("bulk-counts")).toContainText("0 failed");
  // The progress is the server's: a reload shows the same.
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId("bulk-state")).toHaveText("Done");

  // One creator's thread holds their own copy, with their first name.
  const row = page.locator(".thread-row", { hasText: token }).first();
  await page.goto("/");
  await hydrated(page);
  await page.getByLabel("Campaign").first().selectOption({ label: "Trail Snacks Gifting" });
  await expect(row).toBeVisible();
  const name = (await row.locator(".creator-name").textContent())!.trim();
  await row.locator(".thread-link").click();
  const entry = page.locator(".timeline .entry", { hasText: token });
  await expect(entry).toContainText(`Hi ${name.split(" ")[0]}, your Trailhead Outfitters snacks ship this week`);
});
