// The runtime floor: bytes of the files the app cannot run without (the node binary, the shared libraries
// it links, the app's code in dist/ and whatever production node_modules ship beside it), measured in a
// built image's file list. app/Dockerfile bundles its dependencies into dist/server.js, so there the
// node_modules part is 0 and the floor is node + its libraries + the bundle.
import type { ImageFile } from "./docker";

export interface RuntimeFloor {
  nodeBinary: number;
  libraries: number;
  /** Everything under <appDir>/dist/: the compiled app, or the bundle with its dependencies inlined. */
  appCode: number;
  /** Production node_modules shipped next to dist/ (0 when the app is bundled). */
  productionDependencies: number;
  total: number;
  libraryFiles: string[];
}

/** `ldd` output -> the sonames it resolved (`libstdc++.so.6`, `ld-linux-x86-64.so.2`, ...). */
export function parseLddSonames(lddOutput: string): string[] {
  const names = new Set<string>();
  for (const line of lddOutput.split("\n")) {
    const resolved = /^\s*(\S+)\s+=>\s+(\/\S+)/.exec(line);
    const direct = /^\s*(\/\S+)\s+\(0x/.exec(line);
    const path = resolved?.[2] ?? direct?.[1];
    if (path) names.add(path.split("/").pop() ?? path);
  }
  return [...names].sort();
}

function basename(path: string): string {
  return path.split("/").pop() ?? path;
}

export function measureRuntimeFloor(
  files: readonly ImageFile[],
  sonames: readonly string[],
  appDir = "app",
): RuntimeFloor {
  const regular = files.filter((file) => file.type === "file");
  const nodeBinary = Math.max(
    0,
    ...regular.filter((file) => /(^|\/)bin\/node$/.test(file.path)).map((file) => file.size),
  );
  const wanted = new Set(sonames);
  const libraryEntries = regular.filter(
    (file) => wanted.has(basename(file.path)) && /(^|\/)lib(64)?\//.test(file.path),
  );
  const sumUnder = (prefix: string) =>
    regular.filter((file) => file.path.startsWith(prefix)).reduce((sum, file) => sum + file.size, 0);
  const libraries = libraryEntries.reduce((sum, file) => sum + file.size, 0);
  const appCode = sumUnder(`${appDir}/dist/`);
  const productionDependencies = sumUnder(`${appDir}/node_modules/`);
  return {
    nodeBinary,
    libraries,
    appCode,
    productionDependencies,
    total: nodeBinary + libraries + appCode + productionDependencies,
    libraryFiles: libraryEntries.map((file) => file.path).sort(),
  };
}
