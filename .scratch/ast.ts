import { DockerfileParser, ModifiableInstruction } from "dockerfile-ast";
const samples = [
  'FROM --platform=$BUILDPLATFORM node:22 AS Build\nRUN --mount=type=cache,target=/x \\\n  apt-get update \\\n  # comment\n  && echo "a b" \'c d\'\nCOPY ["a b", "/app"]\nENV A="x y" B=2\nRUN <<EOF\nline1\nline2\nEOF\nCOPY <<EOF /x\nhi\nEOF\nrun echo lower\nARG X=1\nUSER "app"\nRUN [ "npm", "ci" ]\nENV  A  b c\n',
  'FROM a\nRUN echo a\\\n\nRUN b\n',
  '# escape=`\nFROM a\nRUN echo a `\n  b\n',
  'FROM a\n  RUN   x   \n\tRUN\ty\n',
  'FROM a\nRUN echo \\\\\nRUN c\n',
  'FROM a\nRUN\n',
  'FROM a\nRUN \\\n',
  'FROM a\nFOO\n',
];
for (const s of samples) {
  console.log("=====", JSON.stringify(s));
  for (const i of DockerfileParser.parse(s).getInstructions()) {
    const flags = i instanceof ModifiableInstruction ? i.getFlags().map((f) => [f.getName(), f.getValue()]) : [];
    console.log(JSON.stringify({ kw: i.getKeyword(), ins: i.getInstruction(), line: i.getRange().start.line + 1, text: i.getArgumentsContent(), words: i.getArguments().map((a) => a.getValue()), flags }));
  }
}
