import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main, parseArgs, USAGE } from "../../components/review/cli";
import { threeStacks } from "../../tools/lib/review-fixtures";
import { assertCostReview } from "../helpers/cost-schema";

const ROOT = path.join(__dirname, "..", "..");
const expected = (name: string) =>
  fs.readFileSync(path.join(ROOT, "test", "fixtures", "review", name), "utf8");

/** Runs main() on in-memory files; returns what it wrote and its exit status. */
function run(argv: string[], files: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const written: Record<string, string> = {};
  const status = main(argv, {
    readText: (file) => {
      if (!(file in files)) throw new Error(`ENOENT: no such file or directory, open '${file}'`);
      return files[file]!;
    },
    write: (text) => out.push(text),
    writeFile: (file, text) => (written[file] = text),
    error: (text) => err.push(text),
  });
  return { status, stdout: out.join(""), stderr: err.join(""), written };
}

const files = Object.fromEntries(threeStacks().map(({ file, text }) => [file, text]));
const inputs = Object.keys(files);

describe("ecr-pipeline-cost-review", () => {
  it("prints the Markdown comment for three stacks by default", () => {
    const result = run(inputs, files);
    assert.deepEqual(result, { status: 0, stdout: expected("three-stacks.md"), stderr: "", written: {} });
  });

  it("prints the terminal table, or the merged JSON, with --format", () => {
    assert.equal(run(["--format", "text", ...inputs], files).stdout, expected("three-stacks.txt"));
    const json = run(["--format=json", ...inputs], files);
    assert.equal(json.status, 0);
    assertCostReview(JSON.parse(json.stdout));
  });

  it("writes to --output, and names a stack with STACK=FILE", () => {
    const result = run(["--output", "comment.md", "dev=dev.json", "staging.json", "prod.ndjson"], files);
    assert.equal(result.stdout, "");
    assert.equal(result.written["comment.md"], expected("three-stacks.md"));
  });

  it("reports a file it cannot read, and still the others; --strict then exits 1", () => {
    const result = run(["--format", "text", "--strict", "dev.json", "qa=missing.json"], files);
    assert.equal(result.status, 1);
    assert.match(result.stdout, /^qa {21}not reported {10}unknown {6}unknown {2}unknown {2}unknown$/m);
    assert.equal(
      result.stderr,
      "ecr-pipeline-cost-review: missing.json (stack qa): cannot be read: ENOENT: no such file or directory, open 'missing.json'.\n",
    );
    assert.equal(run(["--strict", ...inputs], files).status, 0);
  });

  it("usage errors exit 2 and say what is wrong; --help prints the usage", () => {
    assert.deepEqual(run([]), {
      status: 2,
      stdout: "",
      stderr: `no input file given\n${USAGE}\n`,
      written: {},
    });
    assert.deepEqual(
      run(["--format", "html", "a.json"]).stderr,
      `--format must be markdown, text or json, got "html"\n${USAGE}\n`,
    );
    assert.equal(run(["--colour", "a.json"]).stderr, `unknown option --colour\n${USAGE}\n`);
    assert.equal(run(["a.json", "--output"]).stderr, `--output needs a file name\n${USAGE}\n`);
    assert.deepEqual(run(["--help"]), { status: 0, stdout: `${USAGE}\n`, stderr: "", written: {} });
    assert.deepEqual(parseArgs(["prod=p.json", "-"]), {
      format: "markdown",
      strict: false,
      inputs: [{ stack: "prod", file: "p.json" }, { file: "-" }],
    });
  });

  it("runs as a command: the bin entry's source has a shebang, reads files and standard input", () => {
    const bin = (
      JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { bin: Record<string, string> }
    ).bin;
    assert.deepEqual(bin, { "ecr-pipeline-cost-review": "dist/components/review/cli.js" });
    const source = path.join(ROOT, "components", "review", "cli.ts");
    assert.ok(fs.readFileSync(source, "utf8").startsWith("#!/usr/bin/env node\n"));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecr-pipeline-review-cli-"));
    try {
      for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
      const child = spawnSync(
        process.execPath,
        [
          "--require",
          require.resolve("tsx/cjs"),
          source,
          "--format",
          "text",
          "dev.json",
          "staging=-",
          "prod.ndjson",
        ],
        { cwd: dir, input: files["staging.json"], encoding: "utf8" },
      );
      assert.equal(child.stderr, "");
      assert.equal(child.status, 0);
      assert.equal(child.stdout, expected("three-stacks.txt"));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
