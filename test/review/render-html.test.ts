import assert from "node:assert/strict";
import * as fs from "node:fs";
import { readStackFile } from "../../components/review/read";
import { renderMarkdown } from "../../components/review/render";
import { threeStacks } from "../../tools/lib/review-fixtures";
import { CHROMIUM, COMMENT_WIDTH_PX, measure, renderHtml } from "../../tools/lib/review-html";

const markdown = renderMarkdown(threeStacks().map(readStackFile));

describe("the review comment rendered by a real Markdown renderer (marked, GFM)", () => {
  const html = renderHtml(markdown);

  it("has its tables as tables, numbers right-aligned and text left-aligned", () => {
    assert.equal((html.match(/<table>/g) ?? []).length, 5);
    assert.ok(
      html.includes(
        '<tr>\n<td align="left">prod</td>\n<td align="left">app-prod</td>\n<td align="left">estimate</td>\n<td align="right">$12.72</td>\n<td align="right">$15.93</td>\n<td align="right">+$3.21</td>\n<td align="left">warn</td>\n</tr>',
      ),
      html,
    );
    // Every amount and quantity is right-aligned: no left-aligned cell holds a dollar amount or a quantity.
    assert.deepEqual(html.match(/<td align="left">(?:\**[+-]?\$|[\d,.]+ (?:GB|scan))[^<]*<\/td>/g), null);
    // 3 pipelines x 3 amounts, 4 drivers x 3, 15 line items x 1 (the total row is bold).
    assert.equal((html.match(/<td align="right">[+-]?\$/g) ?? []).length, 3 * 3 + 4 * 3 + 15);
  });

  it("escapes nothing into markup by accident: no stray asterisks, pipes or HTML", () => {
    assert.ok(
      html.includes("rate cards; 1 of 8 not verified (marked *)"),
      "the escaped asterisk renders as one",
    );
    assert.ok(!/\\\*/.test(html), "no backslash left before an asterisk");
    assert.ok(html.includes("<details><summary>prod / app-prod: 8 line items</summary>"));
    assert.ok(html.includes("<sub>GB = 2^30 bytes, as AWS bills storage and data transfer;"));
  });
});

/*
 * Measured in headless Chromium (Debian's `chromium`) with GitHub's Markdown CSS at a comment's 14 px, in a
 * column of COMMENT_WIDTH_PX (720 px), every <details> opened. Fonts: Liberation Sans, what this machine
 * gives for the fonts GitHub asks for (Arial's metrics, like Segoe UI and Helvetica), and DejaVu Sans,
 * wider than any of them: the worst case. Skipped where Chromium is not installed (`npm run infra` installs
 * Debian's chromium), except in CI (CI=true), where a missing browser fails the test instead of hiding it.
 */
describe(`the review comment in headless Chromium fits a ${COMMENT_WIDTH_PX}-px pull-request column`, function () {
  this.timeout(120_000);
  before(function () {
    if (fs.existsSync(CHROMIUM)) return;
    if (process.env.CI === "true")
      throw new Error(`${CHROMIUM} is missing: run npm run infra (apt-get install chromium)`);
    this.skip();
  });

  for (const font of [undefined, "DejaVu Sans"]) {
    it(`no table or line is wider than the column (${font ?? "GitHub's fonts"})`, () => {
      const measured = measure(markdown, { openDetails: true, ...(font === undefined ? {} : { font }) });
      assert.equal(measured.column, COMMENT_WIDTH_PX);
      assert.equal(measured.tables.length, 5);
      const tooWide = measured.tables.filter((table) => table.width > COMMENT_WIDTH_PX);
      assert.deepEqual(tooWide, [], JSON.stringify(measured.tables));
      assert.deepEqual(measured.overflowing, []);
    });
  }
});
