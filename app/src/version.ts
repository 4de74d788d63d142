// Kept in its own module so a "code-only change" in the benchmarks is a one-line edit here.
export const APP_VERSION = "1";
