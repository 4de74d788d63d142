/**
 * Reads a stack file (stacks/Pulumi.<env>.yaml) the way `pulumi config` hands it to a program: strings
 * as they are, lists and objects as JSON text. Used by `npm start` and the tests, never by the program.
 */
import * as fs from "node:fs";
import * as yaml from "js-yaml";

export function readStackConfig(file: string): Record<string, string> {
  const parsed = yaml.load(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | undefined;
  return Object.fromEntries(
    Object.entries(parsed?.config ?? {}).map(([key, value]) => [
      key,
      typeof value === "string" ? value : JSON.stringify(value),
    ]),
  );
}
