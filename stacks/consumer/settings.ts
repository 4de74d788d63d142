/** The consumer's config, read once and validated (pure: tests pass a plain lookup). */
export interface ConsumerSettings {
  pipelineStack: string;
  desiredCount: number;
  containerPort: number;
}

export function readConsumerConfig(
  get: (key: string) => string | undefined,
  stackName: string,
): ConsumerSettings {
  const integer = (key: string, fallback: number, min: number, max: number): number => {
    const raw = get(key);
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new Error(
        `stack config "ecr-pipeline-consumer:${key}": got ${JSON.stringify(raw)}. Set an integer from ${min} to ${max}.`,
      );
    }
    return value;
  };
  const pipelineStack = get("pipelineStack") || `organization/ecr-pipeline/${stackName}`;
  if (pipelineStack.split("/").length !== 3) {
    throw new Error(
      `stack config "ecr-pipeline-consumer:pipelineStack": got ${JSON.stringify(pipelineStack)}. ` +
        'Use <organization>/ecr-pipeline/<stack>, e.g. organization/ecr-pipeline/dev (the local file backend\'s organization is "organization").',
    );
  }
  return {
    pipelineStack,
    desiredCount: integer("desiredCount", 1, 0, 1000),
    containerPort: integer("containerPort", 8080, 1, 65535),
  };
}
