import { expect, Page } from "@playwright/test";

export const OWNER = { email: "dana@northstar.example", password: "creator-inbox-demo" };
export const VIEWER = { email: "sam@northstar.example", password: "creator-inbox-demo" };

/** Waits until the wasm app has hydrated, so clicks reach Leptos handlers. */
export async function hydrated(page: Page) {
  await page.waitForFunction(() => document.body.dataset.hydrated === "1");
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

/** Waits until the page's live connection says it is live. */
export async function live(page: Page) {
  await expect(page.locator(".live-state")).toHaveAttribute("data-state", "live");
}
