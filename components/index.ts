// Public entry of the ecr-pipeline package: the components and the pure functions behind them.
export * from "./lifecycle";
export * from "./cost";
export * from "./dockerfile";
export * from "./size";
