import { test, expect } from "@playwright/test";
import { hydrated, live, signIn } from "./helpers";

// An owner invites a manager; the manager accepts in a second browser, sees a thread assigned to
// them arrive live, and is signed out in that tab — without a reload — when the owner
// deactivates them.
test("an invited manager joins, is assigned a thread live, and is signed out when deactivated", async ({ page, browser }) => {
  await signIn(page);
  await page.goto("/team");
  await hydrated(page);
  const email = `e2e-manager-${Date.now()}@northstar.example`;
  await page.getByLabel("Email address").fill(email);
  await page.getByRole("combobox", { name: "Role", exact: true }).selectOption("manager");
  await page.getByRole("button", { name: "Create invitation" }).click();
  const link = page.locator(".link-to-copy input");
  await expect(link).toHaveValue(/\/join\/[0-9a-f]{64}$/);
  const url = new URL(await link.inputValue());

  const other = await browser.newContext();
  const them = await other.newPage();
  await them.goto(url.pathname);
  await hydrated(them);
  await expect(them.getByRole("heading", { name: /Join Northstar/ })).toBeVisible();
  await them.getByLabel("Your name").fill("Eve Manager");
  await them.getByLabel(/Choose a password/).fill("a long enough password");
  await them.getByRole("button", { name: "Join the workspace" }).click();
  await them.waitForURL((u) => u.pathname === "/");
  await hydrated(them);
  await live(them);
  await expect(them.locator(".user-name")).toContainText("Eve Manager");

  // The owner assigns the first thread to them: it shows in their list as it happens.
  await page.goto("/");
  await hydrated(page);
  const open = page.getByTestId("thread-list").locator(".thread-row").filter({ hasNotText: /Completed|Declined/ });
  await open.first().locator(".thread-link").click();
  await hydrated(page);
  await page.getByRole("complementary", { name: "Context" }).locator('select[name="assignee"]').selectOption({ label: "Eve Manager" });
  await expect(them.getByTestId("thread-list")).toContainText("Eve Manager");

  // Deactivated: their tab says so at the next ping, without a reload.
  await page.goto("/team");
  await hydrated(page);
  const row = page.locator("tr", { hasText: email });
  await row.getByRole("button", { name: "Deactivate" }).click();
  await expect(row).toContainText("Deactivated");
  await expect(row).toContainText("1 open thread still assigned");
  await expect(them.locator(".live-state")).toHaveAttribute("data-state", "signed-out");
  await expect(them.getByRole("alert").filter({ hasText: "You were signed out" })).toBeVisible();
  await other.close();
});
