/** Rewrites README's generated args tables in place from the code (`npx tsx tools/regen-args.ts`). */
import * as fs from "node:fs";
import * as path from "node:path";
import { ARGS_INTERFACES, argsTable, readArgs } from "./args-table";

const root = path.join(__dirname, "..");
const readmePath = path.join(root, "README.md");
let readme = fs.readFileSync(readmePath, "utf8");
for (const [file, iface] of ARGS_INTERFACES) {
  const block = new RegExp(`(<!-- args:${iface} [^\\n]*-->\\n)[\\s\\S]*?(\\n<!-- /args -->)`);
  readme = readme.replace(
    block,
    (_match, open: string, close: string) => open + argsTable(readArgs(root, file, iface)) + close,
  );
}
fs.writeFileSync(readmePath, readme);
