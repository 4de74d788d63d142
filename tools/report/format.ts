/**
 * The pure text parts of `npm start`'s report: byte sizes, the per-layer table with a bar per layer.
 * Plain ASCII so it reads the same in any terminal and CI log.
 */

/** Bytes in binary units with one decimal: 1536 → "1.5 KiB"; below 1 KiB the exact count. */
export function formatBytes(bytes: number): string {
  const units = ["KiB", "MiB", "GiB", "TiB"];
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * A bar of `width` cells scaled to `max`: full cells "#", and any non-zero value shows at least one
 * cell so a small layer is never invisible.
 */
export function textBar(value: number, max: number, width: number): string {
  if (max <= 0 || value <= 0) return "";
  return "#".repeat(Math.max(1, Math.round((value / max) * width)));
}

/**
 * The instruction as a reader wrote it: history `created_by` from BuildKit ("RUN /bin/sh -c npm ci #
 * buildkit", "|2 A=1 B=2 /bin/sh -c …") or the classic builder ("/bin/sh -c #(nop) COPY …").
 */
export function describeInstruction(createdBy: string): string {
  let text = createdBy.trim().replace(/\s+# buildkit$/, "");
  text = text.replace(/^\/bin\/sh -c #\(nop\)\s*/, "");
  const classicRun = /^\/bin\/sh -c\s+/.exec(text);
  if (classicRun) text = `RUN ${text.slice(classicRun[0].length)}`;
  text = text.replace(/^RUN \|\d+(?: \S+=\S*)* \/bin\/sh -c /, "RUN ").replace(/^RUN \/bin\/sh -c /, "RUN ");
  return text.replace(/\s+/g, " ") || "(base image layer)";
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 3)}...`;
}

export interface LayerRow {
  createdBy: string;
  compressedBytes: number;
  uncompressedBytes: number;
}

/**
 * One row per layer, bottom first: index, compressed and uncompressed size, share of the compressed
 * total, a bar scaled to the largest layer, and the instruction.
 */
export function formatLayerTable(
  layers: readonly LayerRow[],
  options: { barWidth?: number; instructionWidth?: number } = {},
): string {
  const barWidth = options.barWidth ?? 24;
  const instructionWidth = options.instructionWidth ?? 60;
  const total = layers.reduce((sum, layer) => sum + layer.compressedBytes, 0);
  const largest = Math.max(0, ...layers.map((layer) => layer.compressedBytes));
  const header = ["#", "compressed", "uncompressed", "share", "", "instruction"];
  const rows = layers.map((layer, index) => [
    String(index + 1),
    formatBytes(layer.compressedBytes),
    formatBytes(layer.uncompressedBytes),
    total > 0 ? `${((layer.compressedBytes / total) * 100).toFixed(1)}%` : "-",
    textBar(layer.compressedBytes, largest, barWidth),
    truncate(describeInstruction(layer.createdBy), instructionWidth),
  ]);
  const widths = header.map((title, column) =>
    Math.max(column === 4 ? barWidth : title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const rightAligned = new Set([0, 1, 2, 3]);
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        return rightAligned.has(column) ? cell.padStart(width) : cell.padEnd(width);
      })
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n");
}
