// How a size is known: the basis contract, the content hash of a build context, and (below) the
// preview-time local estimate.
export * from "./basis";
export * from "./context-hash";
