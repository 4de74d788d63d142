import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");
const scripts = (
  JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }
).scripts;
const readme = readFileSync(join(ROOT, "README.md"), "utf8");
const development = readme.slice(readme.indexOf("## Development"), readme.indexOf("\nLayout:"));

/** How the README names a script: `npm test`, `npm start`, `npm run <name>`. */
const command = (name: string): string =>
  name === "test" || name === "start" ? `npm ${name}` : `npm run ${name}`;

describe("package.json: one command per tool (issue 19 item 5)", () => {
  it("every entry point in tools/ has exactly one npm script", () => {
    const tools = readdirSync(join(ROOT, "tools")).filter((file) => file.endsWith(".ts"));
    assert.ok(tools.length >= 8, `found only ${tools.join(", ")}`);
    for (const tool of tools) {
      const running = Object.keys(scripts).filter((name) =>
        new RegExp(`(^|\\s)tools/${tool.replace(".", "\\.")}(\\s|$)`).test(scripts[name] ?? ""),
      );
      assert.equal(
        running.length,
        1,
        `tools/${tool} is run by ${running.length} npm scripts: ${running.join(", ")}`,
      );
    }
  });

  it("README's Development table lists every npm script", () => {
    assert.ok(development.length > 100, "README has no Development section");
    const missing = Object.keys(scripts).filter(
      (name) =>
        // the parts `npm run check` and `npm test` are made of, described in their rows
        !["typecheck", "lint", "format", "format:check"].includes(name) &&
        !development.includes(`\`${command(name)}`) &&
        !development.includes(`/ \`${command(name)}\``),
    );
    assert.deepEqual(missing, []);
  });
});
