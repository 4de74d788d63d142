// Filled in by the cost work; see ../../README.md.
export {};
