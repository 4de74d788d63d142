// The benchmark's code-only change rewrites this constant (tools/lib/bench-variants.ts setAppVersion).
exports.APP_VERSION = "1";
