/**
 * The review comment as GitHub shows it, as near as this machine can: rendered by a real Markdown
 * renderer with GitHub's flavour (marked, GFM tables), styled with GitHub's own Markdown CSS
 * (github-markdown-css, light theme), at a comment's font size (14 px), in a column of
 * COMMENT_WIDTH_PX. Headless Chromium (Debian's `chromium`) loads the page to measure and to screenshot.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { marked } from "marked";

/**
 * The width held to, in CSS px: no table or line of the comment may be wider. A pull request's comment
 * body on github.com at a 1280-px-wide window is wider than this (the conversation column minus the
 * avatar gutter and the comment's padding); 720 px leaves room for a narrower window or a sidebar.
 */
export const COMMENT_WIDTH_PX = 720;
/** The Chromium Debian installs (`apt-get install chromium`). */
export const CHROMIUM = "/usr/bin/chromium";
/** Flags that work on this kind of machine (headless, no sandbox as root, no background network). */
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--hide-scrollbars",
];

const CSS = fs.readFileSync(require.resolve("github-markdown-css/github-markdown-light.css"), "utf8");

export interface PageOptions {
  /** Open every `<details>` (to measure the tables inside). */
  openDetails?: boolean;
  /** A font family to force, e.g. "DejaVu Sans": wider than the fonts GitHub asks for, so a worst case. */
  font?: string;
  /** A script to run after load (writes its result into #result). */
  script?: string;
}

/** The comment rendered to HTML by marked with GitHub-flavoured Markdown. */
export function renderHtml(markdown: string): string {
  return marked.parse(markdown, { gfm: true, async: false });
}

/** A page holding the rendered comment in a GitHub-like comment column. */
export function commentPage(markdown: string, options: PageOptions = {}): string {
  const html = renderHtml(
    options.openDetails === true ? markdown.replace(/<details>/g, "<details open>") : markdown,
  );
  const font =
    options.font === undefined
      ? ""
      : `.markdown-body, .markdown-body table { font-family: "${options.font}" !important; }`;
  return `<!doctype html>
<html><head><meta charset="utf-8"><style>
${CSS}
body { margin: 0; background: #ffffff; }
.comment { box-sizing: border-box; width: ${COMMENT_WIDTH_PX + 34}px; margin: 16px; border: 1px solid #d1d9e0; border-radius: 6px; }
.comment-header { padding: 8px 16px; background: #f6f8fa; border-bottom: 1px solid #d1d9e0; border-radius: 6px 6px 0 0;
  font: 14px -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; color: #59636e; }
.markdown-body { box-sizing: content-box; width: ${COMMENT_WIDTH_PX}px; padding: 16px; font-size: 14px; }
${font}
</style></head><body>
<div class="comment"><div class="comment-header"><b>github-actions</b> bot commented</div>
<div class="markdown-body" id="comment">
${html}
</div></div>
<pre id="result"></pre>
${options.script === undefined ? "" : `<script>${options.script}</script>`}
</body></html>`;
}

/** Runs Chromium on a page; returns what it prints (the DOM after load with --dump-dom). */
export function chromium(page: string, args: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecr-pipeline-review-"));
  try {
    const file = path.join(dir, "comment.html");
    fs.writeFileSync(file, page);
    return execFileSync(
      CHROMIUM,
      [...CHROMIUM_FLAGS, `--user-data-dir=${path.join(dir, "profile")}`, ...args, `file://${file}`],
      {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        timeout: 60_000,
      },
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** What the measuring script reports: the column's width, every table's natural width, and what overflows. */
export interface Measurement {
  column: number;
  page: number;
  tables: { width: number; firstRow: string }[];
  /** Elements whose content overflows their box (a word too long to wrap). */
  overflowing: string[];
  height: number;
}

/*
 * A table narrower than its content does not scroll in GitHub's CSS (display: block; width: max-content;
 * max-width: 100%): its cells wrap. So each table's natural width is measured in a column too wide to
 * wrap anything (5000 px), then compared with the comment column: a table that would wrap is too wide.
 */
const MEASURE = `
const body = document.getElementById("comment");
const style = getComputedStyle(body);
const column = body.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
const height = document.documentElement.scrollHeight;
const overflowing = [...body.querySelectorAll("p, li, summary, sub, pre, code, th, td")]
  .filter((e) => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).display !== "inline")
  .map((e) => e.tagName + ": " + e.innerText.slice(0, 80));
body.style.width = "5000px";
const tables = [...body.querySelectorAll("table")].map((t) => ({ width: t.scrollWidth, firstRow: (t.querySelector("tr") || t).innerText.replace(/\\s+/g, " ").trim() }));
body.style.width = "";
document.getElementById("result").textContent = JSON.stringify({
  column, page: document.documentElement.scrollWidth, tables, overflowing, height,
});`;

/** Loads the comment in Chromium and measures it. */
export function measure(markdown: string, options: Omit<PageOptions, "script"> = {}): Measurement {
  const dom = chromium(commentPage(markdown, { ...options, script: MEASURE }), [
    "--dump-dom",
    "--window-size=1280,800",
  ]);
  const match = /<pre id="result">([^<]*)<\/pre>/.exec(dom);
  if (match === null) throw new Error(`no measurement in Chromium's DOM: ${dom.slice(0, 500)}`);
  return JSON.parse(
    match[1]!
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, "&")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">"),
  ) as Measurement;
}

/** Screenshots the comment as a PNG of the whole page. */
export function screenshot(markdown: string, file: string, options: Omit<PageOptions, "script"> = {}): void {
  const { height } = measure(markdown, options);
  const width = COMMENT_WIDTH_PX + 34 + 2 * 16;
  chromium(commentPage(markdown, options), [
    `--screenshot=${path.resolve(file)}`,
    `--window-size=${width},${height + 16}`,
  ]);
}
