#!/usr/bin/env node
/**
 * ecr-pipeline-cost-review: one cost review for every stack of a pull request (issue 21, item 3).
 *
 *   ecr-pipeline-cost-review [--format markdown|text|json] [--output FILE] [--strict] [STACK=]FILE...
 *
 * Each FILE is what `pulumi stack output --json`, `pulumi preview --json` (preferably with
 * PULUMI_ENABLE_STREAMING_JSON_PREVIEW=true) or `pulumi up --json` printed for one stack; `-` reads
 * standard input. STACK= names the stack when the file does not (a stack output file names it only in its
 * cost documents). A file that cannot be read, or holds no usable cost document, is reported in the
 * output with the reason, and the other stacks are still reported.
 *
 * Exit status: 0 when the review was written; with --strict, 1 when a guardrail failed or a file was not
 * reported; 2 for a usage error. The only file with I/O in components/review: the rest is pure.
 */
import * as fs from "node:fs";
import { readStackFile, type StackFile, type StackReading } from "./read";
import { mergeReview, renderMarkdown, renderText } from "./render";

export const USAGE = `usage: ecr-pipeline-cost-review [--format markdown|text|json] [--output FILE] [--strict] [STACK=]FILE...

Reads what \`pulumi stack output --json\`, \`pulumi preview --json\` or \`pulumi up --json\` printed for
each stack (one file per stack, - for standard input) and prints one cost review of them all:
  --format markdown  a pull-request comment (default)
  --format text      a plain table for a terminal
  --format json      the cost documents merged into one JSON
  --output FILE      write the review to FILE instead of standard output
  --strict           exit 1 when a guardrail failed or a file could not be reported
For a preview, set PULUMI_ENABLE_STREAMING_JSON_PREVIEW=true: the default preview JSON does not carry
the program's outputs reliably (docs/REVIEW.md).`;

export type Format = "markdown" | "text" | "json";

export interface CliOptions {
  format: Format;
  output?: string;
  strict: boolean;
  inputs: { file: string; stack?: string }[];
}

/** Parses the arguments; a string is the usage error to print. */
export function parseArgs(argv: readonly string[]): CliOptions | string {
  const options: CliOptions = { format: "markdown", strict: false, inputs: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (flag: string): string | undefined => {
      if (arg.startsWith(`${flag}=`)) return arg.slice(flag.length + 1);
      const next = argv[i + 1];
      if (next === undefined) return undefined;
      i++;
      return next;
    };
    if (arg === "--help" || arg === "-h") return USAGE;
    if (arg === "--strict") options.strict = true;
    else if (arg === "--format" || arg.startsWith("--format=")) {
      const format = value("--format");
      if (format !== "markdown" && format !== "text" && format !== "json") {
        return `--format must be markdown, text or json, got ${format === undefined ? "nothing" : JSON.stringify(format)}\n${USAGE}`;
      }
      options.format = format;
    } else if (arg === "--output" || arg.startsWith("--output=")) {
      const output = value("--output");
      if (output === undefined || output === "") return `--output needs a file name\n${USAGE}`;
      options.output = output;
    } else if (arg.startsWith("--")) {
      return `unknown option ${arg}\n${USAGE}`;
    } else {
      const equals = arg.indexOf("=");
      options.inputs.push(
        equals > 0 ? { stack: arg.slice(0, equals), file: arg.slice(equals + 1) } : { file: arg },
      );
    }
  }
  if (options.inputs.length === 0) return `no input file given\n${USAGE}`;
  return options;
}

/** Reads every input; a file that cannot be read becomes that stack's problem, never an exception. */
export function readInputs(inputs: CliOptions["inputs"], readText: (file: string) => string): StackReading[] {
  return inputs.map((input) => {
    let text: string;
    try {
      text = readText(input.file);
    } catch (error) {
      const stack = input.stack ?? input.file;
      const reason = error instanceof Error ? error.message : String(error);
      return {
        file: input.file,
        stack,
        documents: [],
        problems: [`${input.file} (stack ${stack}): cannot be read: ${reason}.`],
      };
    }
    const file: StackFile =
      input.stack === undefined ? { file: input.file, text } : { file: input.file, text, stack: input.stack };
    return readStackFile(file);
  });
}

/** The review in the chosen format. */
export function render(readings: readonly StackReading[], format: Format): string {
  if (format === "text") return renderText(readings);
  if (format === "json") return `${JSON.stringify(mergeReview(readings), null, 2)}\n`;
  return renderMarkdown(readings);
}

/** Runs the command; returns the exit status. */
export function main(
  argv: readonly string[],
  io: {
    readText: (file: string) => string;
    write: (text: string) => void;
    writeFile: (file: string, text: string) => void;
    error: (text: string) => void;
  },
): number {
  const options = parseArgs(argv);
  if (typeof options === "string") {
    if (options === USAGE) {
      io.write(`${USAGE}\n`);
      return 0;
    }
    io.error(`${options}\n`);
    return 2;
  }
  const readings = readInputs(options.inputs, io.readText);
  const text = render(readings, options.format);
  if (options.output === undefined) io.write(text);
  else io.writeFile(options.output, text);
  for (const problem of readings.flatMap((reading) => reading.problems))
    io.error(`ecr-pipeline-cost-review: ${problem}\n`);
  if (!options.strict) return 0;
  const failed = readings.some((reading) =>
    reading.documents.some((document) => document.guardrails.blocksPromotion),
  );
  const unreported = readings.some((reading) => reading.problems.length > 0);
  return failed || unreported ? 1 : 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), {
    readText: (file) => fs.readFileSync(file === "-" ? 0 : file, "utf8"),
    write: (text) => process.stdout.write(text),
    writeFile: (file, text) => fs.writeFileSync(file, text),
    error: (text) => process.stderr.write(text),
  });
}
