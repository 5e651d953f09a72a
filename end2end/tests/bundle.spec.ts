import { expect, test } from "@playwright/test";

// The browser bundle as the run command serves it (the test command builds it the same way):
// content-hashed names, brotli for browsers that accept it, kept a year as immutable.
test("the served bundle is compressed, content-named and cached for a year", async ({ page, request }) => {
  await page.goto("/login");
  const named = async (selector: string) => page.locator(selector).first().getAttribute("href");
  const files = [
    await named('link[rel="preload"][href$=".wasm"]'),
    await named('link[rel="modulepreload"][href$=".js"]'),
    await named('link[rel="stylesheet"][href$=".css"]'),
  ];
  for (const file of files) {
    expect(file).toMatch(/^\/pkg\/creator-inbox\.[\w-]{16,}\.(wasm|js|css)$/);
    const res = await request.get(file!, { headers: { "accept-encoding": "br, gzip" } });
    expect(res.status()).toBe(200);
    expect(res.headers()["content-encoding"], file!).toBe("br");
    expect(res.headers()["cache-control"], file!).toBe("public, max-age=31536000, immutable");
  }
  // The page itself is never cached as immutable: it names the current bundle.
  const html = await request.get("/login");
  expect(html.headers()["cache-control"] ?? "").not.toContain("immutable");
});
