import assert from "node:assert/strict";
import { describeInstruction, formatBytes, formatLayerTable, textBar } from "../../tools/report/format";

describe("report formatting", () => {
  it("formatBytes: exact below 1 KiB, binary units with one decimal above", () => {
    assert.deepEqual([0, 1023, 1024, 1536, 47_573_424, 3 * 1024 ** 3, 5 * 1024 ** 4].map(formatBytes), [
      "0 B",
      "1023 B",
      "1.0 KiB",
      "1.5 KiB",
      "45.4 MiB",
      "3.0 GiB",
      "5.0 TiB",
    ]);
  });

  it("textBar: scaled to the maximum, at least one cell for any non-zero value", () => {
    assert.equal(textBar(100, 100, 10), "##########");
    assert.equal(textBar(50, 100, 10), "#####");
    assert.equal(textBar(1, 1000, 10), "#");
    assert.equal(textBar(0, 100, 10), "");
    assert.equal(textBar(5, 0, 10), "");
  });

  it("describeInstruction: BuildKit and classic history entries read as the Dockerfile line", () => {
    assert.equal(describeInstruction("COPY /app/dist ./dist # buildkit"), "COPY /app/dist ./dist");
    assert.equal(describeInstruction("RUN /bin/sh -c npm ci --omit=dev # buildkit"), "RUN npm ci --omit=dev");
    assert.equal(describeInstruction("RUN |2 A=1 B=x /bin/sh -c make   all # buildkit"), "RUN make all");
    assert.equal(describeInstruction("/bin/sh -c #(nop) ADD file:abc in / "), "ADD file:abc in /");
    assert.equal(describeInstruction("/bin/sh -c apt-get update"), "RUN apt-get update");
    assert.equal(describeInstruction(""), "(base image layer)");
  });

  it("formatLayerTable: aligned columns, share of the total and a bar per layer", () => {
    const table = formatLayerTable(
      [
        { createdBy: "", compressedBytes: 30 * 1024 * 1024, uncompressedBytes: 80 * 1024 * 1024 },
        {
          createdBy: "COPY /app/node_modules ./node_modules # buildkit",
          compressedBytes: 10 * 1024 * 1024,
          uncompressedBytes: 40 * 1024 * 1024,
        },
        { createdBy: "COPY /app/dist ./dist # buildkit", compressedBytes: 2048, uncompressedBytes: 8192 },
      ],
      { barWidth: 12, instructionWidth: 30 },
    );
    assert.equal(
      table,
      [
        "#  compressed  uncompressed  share                instruction",
        "-  ----------  ------------  -----  ------------  ------------------------------",
        "1    30.0 MiB      80.0 MiB  75.0%  ############  (base image layer)",
        "2    10.0 MiB      40.0 MiB  25.0%  ####          COPY /app/node_modules ./no...",
        "3     2.0 KiB       8.0 KiB   0.0%  #             COPY /app/dist ./dist",
      ].join("\n"),
    );
  });
});
