import { runIsolated } from "../test/isolated";
console.log(runIsolated(`const m = require(root + "/components/size/context-hash"); console.log(typeof m.hashBuildContext);`));
