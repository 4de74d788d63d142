// Filled in by the dockerfile work; see ../../README.md.
export {};
