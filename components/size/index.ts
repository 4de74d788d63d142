// Filled in by the size work; see ../../README.md.
export {};
