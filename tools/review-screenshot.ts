/**
 * Writes the screenshots of the cost review comment in docs/ (docs/REVIEW.md): the three-stack review of
 * test/review/fixtures.ts, rendered by marked with GitHub's Markdown CSS in a 720-px comment column and
 * photographed by headless Chromium (Debian's `chromium`).
 *
 *   npm run docs:review-screenshot
 */
import * as path from "node:path";
import { readStackFile } from "../components/review/read";
import { renderMarkdown } from "../components/review/render";
import { threeStacks } from "./lib/review-fixtures";
import { screenshot } from "./lib/review-html";

const markdown = renderMarkdown(threeStacks().map(readStackFile));
const docs = path.join(__dirname, "..", "docs");
screenshot(markdown, path.join(docs, "review-comment.png"));
screenshot(markdown, path.join(docs, "review-comment-details.png"), { openDetails: true });
console.log("wrote docs/review-comment.png and docs/review-comment-details.png");
