/**
 * The package as a consumer installs it (issue 18, item 9): the tarball `npm pack` makes from this
 * repository, and what package.json tells npm and Node about it.
 *
 * - Every relative link in a Markdown file that ships (README.md, docs/*.md: markdown links and images,
 *   `<img src>`/`<a href>` in HTML) resolves to a file in the tarball, and its `#fragment` to a heading
 *   (GitHub's anchor for it) or an `id`/`name` anchor of the target. The file list is npm's own:
 *   `npm pack --dry-run --json --ignore-scripts` (npm-packlist applies `files`, .npmignore and the files
 *   npm always adds), so no glob matcher of ours can disagree with it. `--ignore-scripts` skips `prepack`
 *   (the dist/ build): the links point at docs, not at dist/.
 * - main/types/exports/bin point at what the build emits (tsconfig.build.json: components/X.ts →
 *   dist/components/X.js) under a `files` entry; the bin keeps its `#!` line; no `prepare` script (it would
 *   run a TypeScript build on every git install; `prepack` builds dist/ for `npm pack` instead).
 *
 * scripts/consumer-smoke.sh installs the real tarball and runs the bin and the exports from it.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { marked, type Token } from "marked";

const ROOT = path.resolve(__dirname, "..");
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  main: string;
  types: string;
  bin: Record<string, string>;
  exports: Record<string, string | Record<string, string>>;
  files: string[];
  scripts: Record<string, string>;
  license: string;
  engines: Record<string, string>;
};

/** Paths (relative, with `/`) of the files `npm pack` puts in the tarball, from the working tree. */
function packedFiles(): string[] {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts", "--silent"], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  const [pack] = JSON.parse(out) as { files: { path: string }[] }[];
  assert.ok(pack, "npm pack --dry-run --json printed one package");
  return pack.files.map((file) => file.path);
}

/** A link found in a Markdown file: its target as written and where it is. */
interface MarkdownLink {
  target: string;
  line: number;
}

/** The text a heading renders to (what GitHub slugs): inline markup dropped, code spans' text kept. */
function plainText(tokens: Token[] | undefined): string {
  return (tokens ?? [])
    .map((token) =>
      "tokens" in token && token.tokens ? plainText(token.tokens) : "text" in token ? token.text : "",
    )
    .join("");
}

/**
 * GitHub's anchor for a heading (github-slugger, the library github.com's renderer follows): lower
 * case, every character that is not a letter, mark, number, connector punctuation, space or hyphen
 * dropped, spaces to hyphens, and "-1", "-2" … on repeats.
 */
function slugger(): (heading: string) => string {
  const seen = new Map<string, number>();
  return (heading) => {
    const base = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
      .replace(/ /g, "-");
    const n = seen.get(base);
    seen.set(base, (n ?? 0) + 1);
    return n === undefined ? base : `${base}-${n}`;
  };
}

const HTML_ATTR = /\b(src|href|id|name)\s*=\s*["']([^"']*)["']/gi;

/** The links (markdown links and images, HTML src/href) and the anchors (headings, HTML id/name) of a text. */
function scanMarkdown(text: string): { links: MarkdownLink[]; anchors: Set<string> } {
  const links: MarkdownLink[] = [];
  const anchors = new Set<string>();
  const slug = slugger();
  // Line numbers: the top-level tokens' raw texts follow each other, and the links of one appear in
  // its raw text in order.
  let blockLine = 1;
  for (const block of marked.lexer(text)) {
    let offset = 0;
    const lineOf = (raw: string): number => {
      const at = block.raw.indexOf(raw, offset);
      if (at < 0) return blockLine;
      offset = at + raw.length;
      return blockLine + (block.raw.slice(0, at).match(/\n/g)?.length ?? 0);
    };
    marked.walkTokens([block], (token) => {
      if (token.type === "link" || token.type === "image")
        links.push({ target: token.href, line: lineOf(token.raw) });
      else if (token.type === "heading") anchors.add(slug(plainText(token.tokens)));
      else if (token.type === "html") {
        const line = lineOf(token.raw);
        for (const [, attr, value] of token.raw.matchAll(HTML_ATTR)) {
          if (/^(src|href)$/i.test(attr!)) links.push({ target: value!, line });
          else anchors.add(value!);
        }
      }
    });
    blockLine += block.raw.match(/\n/g)?.length ?? 0;
  }
  return { links, anchors };
}

/** A target with a scheme (https:, mailto:) or protocol-relative: not a file of the package. */
const ABSOLUTE = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;

/** The problems of the relative links of the Markdown files in `packed` that are in `markdown`. */
function brokenLinks(packed: readonly string[], read: (file: string) => string): string[] {
  const files = new Set(packed);
  const scans = new Map<string, ReturnType<typeof scanMarkdown>>();
  const scan = (file: string) => {
    let result = scans.get(file);
    if (!result) scans.set(file, (result = scanMarkdown(read(file))));
    return result;
  };
  const problems: string[] = [];
  for (const file of packed.filter((f) => f.endsWith(".md"))) {
    for (const { target, line } of scan(file).links) {
      if (ABSOLUTE.test(target)) continue;
      const [pathPart = "", fragment] = target.split("#", 2) as [string, string | undefined];
      const decoded = decodeURIComponent(pathPart.split("?")[0]!);
      const resolved =
        decoded === "" ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), decoded));
      const where = `${file}:${line} (${target})`;
      if (resolved.startsWith("../") || resolved.startsWith("/")) {
        problems.push(`${where}: points outside the package`);
      } else if (!files.has(resolved)) {
        const inRepo = fs.existsSync(path.join(ROOT, resolved));
        problems.push(
          `${where}: ${resolved} is not in the tarball` +
            (inRepo
              ? " (it is in the repository: add it to package.json files, or link it absolutely)"
              : " (no such file)"),
        );
      } else if (
        fragment !== undefined &&
        resolved.endsWith(".md") &&
        !scan(resolved).anchors.has(fragment)
      ) {
        problems.push(`${where}: ${resolved} has no heading or anchor "#${fragment}"`);
      }
    }
  }
  return problems;
}

describe("the package a consumer installs (issue 18, item 9)", () => {
  let packed: string[];
  before(function () {
    this.timeout(60_000);
    packed = packedFiles();
  });

  it("ships the README, every doc and the license", () => {
    const docs = fs.readdirSync(path.join(ROOT, "docs")).filter((name) => name.endsWith(".md"));
    assert.ok(docs.length >= 10, `docs/*.md: ${docs.join(", ")}`);
    for (const file of ["README.md", "LICENSE", "package.json", ...docs.map((name) => `docs/${name}`)]) {
      assert.ok(packed.includes(file), `${file} is in the tarball`);
    }
    // Nothing of the repository's own: sources, tests, tools, stacks (dist/ is built by prepack).
    const stray = packed.filter((file) => /^(components|test|tools|stacks|scripts|app|bench)\//.test(file));
    assert.deepEqual(stray, []);
  });

  it("every relative link of a shipped Markdown file resolves inside the tarball", () => {
    const markdown = packed.filter((file) => file.endsWith(".md"));
    const links = markdown.flatMap(
      (file) => scanMarkdown(fs.readFileSync(path.join(ROOT, file), "utf8")).links,
    );
    assert.deepEqual(
      brokenLinks(packed, (file) => fs.readFileSync(path.join(ROOT, file), "utf8")),
      [],
    );
    // Enough that a scanner finding nothing fails: the README alone links docs/ more than 30 times.
    const relative = links.filter((link) => !ABSOLUTE.test(link.target)).length;
    assert.ok(relative >= 50, `only ${relative} relative links in ${markdown.join(", ")}`);
  });

  it("the link check finds each kind of broken link", () => {
    const docs: Record<string, string> = {
      "README.md": [
        "# Read me",
        "[ok](docs/A.md#the-b-section--again) ![ok](docs/p.png) [ok](#read-me) [ok](https://example.com/x.md)",
        "`[code span, not a link](nowhere.md)`",
        "[unshipped](test/x.test.ts) [missing](docs/NOPE.md) [anchor](docs/A.md#nope)",
        '<img src="docs/q.png" width="10"> [outside](../x.md)',
      ].join("\n"),
      "docs/A.md":
        '# A\n\n## The `b` section — again\n\n<a id="kept"></a>[ok](A.md#kept) [ok](../README.md)\n',
    };
    const problems = brokenLinks(["README.md", "docs/A.md", "docs/p.png"], (file) => docs[file]!);
    assert.deepEqual(problems, [
      "README.md:4 (test/x.test.ts): test/x.test.ts is not in the tarball (no such file)",
      "README.md:4 (docs/NOPE.md): docs/NOPE.md is not in the tarball (no such file)",
      'README.md:4 (docs/A.md#nope): docs/A.md has no heading or anchor "#nope"',
      "README.md:5 (docs/q.png): docs/q.png is not in the tarball (no such file)",
      "README.md:5 (../x.md): points outside the package",
    ]);
  });

  it("main, types, exports and bin point at what the build emits into a shipped folder", () => {
    const build = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.build.json"), "utf8")) as {
      compilerOptions: { rootDir: string; outDir: string };
    };
    assert.deepEqual([build.compilerOptions.rootDir, build.compilerOptions.outDir], [".", "dist"]);
    /** components/X.ts for dist/components/X.js or .d.ts, checked to exist and to ship. */
    const sourceOf = (target: string): string => {
      const relative = path.posix.normalize(target);
      assert.ok(
        pkg.files.some((entry) => relative.startsWith(`${entry}/`)),
        `${target} is under an entry of files (${pkg.files.join(", ")})`,
      );
      const match = /^dist\/(.+)\.(?:js|d\.ts)$/.exec(relative);
      assert.ok(match, `${target} is a .js or .d.ts under dist/`);
      const source = `${match[1]}.ts`;
      assert.ok(fs.existsSync(path.join(ROOT, source)), `${target} is built from ${source}`);
      return source;
    };
    sourceOf(pkg.main);
    sourceOf(pkg.types);
    const root = pkg.exports["."] as Record<string, string>;
    assert.deepEqual(root, { types: `./${pkg.types}`, default: `./${pkg.main}` });
    for (const [name, target] of Object.entries(pkg.bin)) {
      const source = sourceOf(target);
      assert.match(fs.readFileSync(path.join(ROOT, source), "utf8"), /^#!\/usr\/bin\/env node\n/, `${name}`);
    }
    // The documented subpaths: the JSON Schemas of the cost documents (docs/REVIEW.md) and package.json.
    assert.deepEqual(Object.keys(pkg.exports), [".", "./schema/*.json", "./package.json"]);
    const schemas = packed.filter((file) => /^schema\/[^/]+\.json$/.test(file));
    assert.deepEqual(schemas.sort(), ["schema/cost-review.v1.schema.json", "schema/cost.v1.schema.json"]);
  });

  it("no prepare script; prepack builds dist/ from scratch; license and engines", () => {
    assert.equal(
      pkg.scripts.prepare,
      undefined,
      "a prepare script would build TypeScript on every git install",
    );
    assert.match(pkg.scripts.prepack ?? "", /rmSync\('dist'.*&& npm run build$/);
    assert.equal(pkg.license, "Apache-2.0");
    assert.match(
      fs.readFileSync(path.join(ROOT, "LICENSE"), "utf8"),
      /^\s*Apache License\s+Version 2\.0, January 2004/,
    );
    assert.equal(pkg.engines.node, ">=20");
  });
});
