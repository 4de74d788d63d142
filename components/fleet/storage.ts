/**
 * What several ECR repositories store together (issue 20, item 2). Pure, no Pulumi.
 *
 * A registry is one account in one region. Without blob mounting each repository stores its own copy of
 * every layer it references, even one another repository of the same registry holds (the model of
 * ../cost/storage.ts, repository by repository). With the account setting `BLOB_MOUNTING` enabled,
 * "repositories within a single registry can reference layers from other repositories within the same
 * registry instead of storing duplicate copies", under three conditions (ECR user guide, "Blob mounting in
 * Amazon ECR", https://docs.aws.amazon.com/AmazonECR/latest/userguide/blob-mounting.html, read 2026-12-06):
 * - "Blob mounting only works within the same registry (same account and region)";
 * - "Repositories must use identical encryption type and keys";
 * - "Blob mounting is not supported for images created via pull through cache".
 * So repositories share blobs within a group of the same registry and the same encryption type and key,
 * repositories a pull-through cache rule created never do, and each group says which accounting applies and
 * why. What AWS bills for a mounted blob is not stated on that page (docs/PRICING.md, "Blob mounting"):
 * counting it once per group is the model's assumption, flagged as such.
 *
 * `npm run bench:fleet` checks both accountings against a real registry's blob store and its
 * per-repository layer links (docs/BENCHMARKS.md, "Fleet storage").
 */
import { InvalidInputError } from "../common/errors";
import { describeValue } from "../cost/validate";
import { distinctBlobs, MAX_BLOB_BYTES, type StoredBlob } from "../cost/storage";

/** ECR repository encryption types (ECR API, EncryptionConfiguration.encryptionType). */
export const EncryptionType = { Aes256: "AES256", Kms: "KMS", KmsDsse: "KMS_DSSE" } as const;
export type EncryptionType = (typeof EncryptionType)[keyof typeof EncryptionType];

/** A repository's encryption: blob mounting needs the same type and the same key. */
export interface RepositoryEncryption {
  /** Default `AES256`, ECR's default. */
  type?: EncryptionType;
  /**
   * The KMS key ARN (`KMS`, `KMS_DSSE`). Unset with `KMS`: the AWS managed key `aws/ecr`, which is one key per
   * account and region, so it compares equal to another repository's unset key.
   */
  kmsKey?: string;
}

/** One repository of the fleet, as its stack's outputs describe it. */
export interface FleetRepository {
  /** The repository name, e.g. `team/orders`. */
  name: string;
  /** The registry's account id: 12 digits. */
  registryId: string;
  /** The registry's region, e.g. `us-east-1`. */
  region: string;
  /** Default AES256. */
  encryption?: RepositoryEncryption;
  /** A repository a pull-through cache rule created: its layers are never mounted. Default false. */
  pullThroughCache?: boolean;
  /**
   * Every blob the repository's kept manifests reference that another repository could hold too (layers,
   * configs, manifests): digest and compressed bytes. Usually the current image and its cache.
   */
  blobs: StoredBlob[];
  /**
   * Bytes only this repository holds, beyond `blobs` (older builds' renewed layers, superseded caches): never
   * shared, counted as they are. Default 0.
   */
  ownBytes?: number;
}

/** Whether blob mounting is on in one registry (account setting `BLOB_MOUNTING`; off unless enabled). */
export interface RegistrySetting {
  registryId: string;
  region: string;
  blobMounting: boolean;
}

export interface FleetStorageInput {
  repositories: readonly FleetRepository[];
  /** Registries whose `BLOB_MOUNTING` setting is known; one not listed counts as disabled (the default). */
  registries?: readonly RegistrySetting[];
}

/** How a group's bytes are counted. */
export const StorageAccounting = { Shared: "shared", PerRepository: "per-repository" } as const;
export type StorageAccounting = (typeof StorageAccounting)[keyof typeof StorageAccounting];

/** Repositories counted together: one registry, one encryption, one accounting. */
export interface FleetStorageGroup {
  registryId: string;
  region: string;
  /** `AES256`, or `KMS <key>` / `KMS_DSSE <key>` (`aws/ecr` for the AWS managed key). */
  encryption: string;
  accounting: StorageAccounting;
  /** Why this accounting applies, one sentence. */
  reason: string;
  /** Repository names, in input order. */
  repositories: string[];
  /** Bytes stored under `accounting`. */
  bytes: number;
  /** Bytes if every repository kept its own copy. */
  perRepositoryBytes: number;
}

/** One repository's share: its own copy, and what it is attributed when blobs are shared. */
export interface FleetRepositoryShare {
  name: string;
  registryId: string;
  region: string;
  /** Every blob it references once, plus its own bytes: what it stores without sharing. */
  ownCopyBytes: number;
  /** Its own bytes plus each shared blob's bytes divided among the repositories that reference it. */
  attributedBytes: number;
}

/** A problem with the fleet's settings that costs bytes: the field it is about and what to do. */
export interface FleetWarning {
  key: string;
  message: string;
}

export interface FleetStorage {
  groups: FleetStorageGroup[];
  repositories: FleetRepositoryShare[];
  /** Σ groups' bytes. */
  bytes: number;
  /** Σ groups' bytes if every repository kept its own copy. */
  perRepositoryBytes: number;
  warnings: FleetWarning[];
}

/** At most this many repositories in one fleet (10,000 per registry is ECR's default quota). */
export const MAX_FLEET_REPOSITORIES = 10_000;
/** At most this many blobs per repository (ten 1,000-layer images with their caches). */
export const MAX_BLOBS_PER_REPOSITORY = 10_000;

const ACCOUNT_ID = /^\d{12}$/;

/** The label of an encryption that blob mounting compares: type and key. */
export function encryptionLabel(encryption: RepositoryEncryption | undefined): string {
  const type = encryption?.type ?? EncryptionType.Aes256;
  return type === EncryptionType.Aes256 ? type : `${type} ${encryption?.kmsKey ?? "aws/ecr"}`;
}

function checkRepository(repository: FleetRepository, index: number): void {
  const key = `repositories[${index}]`;
  if (typeof repository !== "object" || repository === null) {
    throw new InvalidInputError(key, `${key} must be an object, got ${describeValue(repository)}`);
  }
  if (typeof repository.name !== "string" || repository.name === "") {
    throw new InvalidInputError(
      `${key}.name`,
      `${key}.name must be a repository name, got ${describeValue(repository.name)}`,
    );
  }
  if (typeof repository.registryId !== "string" || !ACCOUNT_ID.test(repository.registryId)) {
    throw new InvalidInputError(
      `${key}.registryId`,
      `${key}.registryId must be the registry's 12-digit account id, got ${describeValue(repository.registryId)}`,
    );
  }
  if (typeof repository.region !== "string" || repository.region === "") {
    throw new InvalidInputError(
      `${key}.region`,
      `${key}.region must be a region code such as "us-east-1", got ${describeValue(repository.region)}`,
    );
  }
  const type = repository.encryption?.type;
  if (type !== undefined && !Object.values(EncryptionType).includes(type)) {
    throw new InvalidInputError(
      `${key}.encryption.type`,
      `${key}.encryption.type must be one of "AES256", "KMS", "KMS_DSSE", got ${describeValue(type)}`,
    );
  }
  if (!Array.isArray(repository.blobs)) {
    throw new InvalidInputError(
      `${key}.blobs`,
      `${key}.blobs must be a list of { digest, bytes }, got ${describeValue(repository.blobs)}`,
    );
  }
  if (repository.blobs.length > MAX_BLOBS_PER_REPOSITORY) {
    throw new InvalidInputError(
      `${key}.blobs`,
      `${key}.blobs lists ${repository.blobs.length} blobs; a fleet view takes at most ${MAX_BLOBS_PER_REPOSITORY} per repository`,
    );
  }
  repository.blobs.forEach((blob, blobIndex) => {
    const at = `${key}.blobs[${blobIndex}]`;
    if (typeof blob?.digest !== "string" || blob.digest === "") {
      throw new InvalidInputError(
        `${at}.digest`,
        `${at}.digest must be a digest such as "sha256:...", got ${describeValue(blob?.digest)}`,
      );
    }
    if (
      typeof blob.bytes !== "number" ||
      !Number.isFinite(blob.bytes) ||
      blob.bytes < 0 ||
      blob.bytes > MAX_BLOB_BYTES
    ) {
      throw new InvalidInputError(
        `${at}.bytes`,
        `${at}.bytes must be a finite number of bytes from 0 to ${MAX_BLOB_BYTES} (1 PiB), got ${describeValue(blob.bytes)}`,
      );
    }
  });
  const own = repository.ownBytes ?? 0;
  if (typeof own !== "number" || !Number.isFinite(own) || own < 0 || own > MAX_BLOB_BYTES * 1e5) {
    throw new InvalidInputError(
      `${key}.ownBytes`,
      `${key}.ownBytes must be a finite number of bytes >= 0, got ${describeValue(own)}`,
    );
  }
}

const bytesOf = (blobs: readonly StoredBlob[]) => blobs.reduce((total, blob) => total + blob.bytes, 0);

/**
 * Both accountings for the same repositories, ignoring settings: `shared`, every distinct blob once;
 * `per-repository`, each repository's distinct blobs and own bytes, summed. The two numbers `bench:fleet`
 * compares with a registry's blob store and its per-repository links.
 */
export function fleetStoredBytes(
  repositories: readonly FleetRepository[],
  accounting: StorageAccounting,
): number {
  repositories.forEach(checkRepository);
  const own = repositories.reduce((total, repository) => total + (repository.ownBytes ?? 0), 0);
  if (accounting === StorageAccounting.Shared)
    return bytesOf(distinctBlobs(repositories.map((each) => each.blobs))) + own;
  return (
    repositories.reduce((total, repository) => total + bytesOf(distinctBlobs([repository.blobs])), 0) + own
  );
}

/**
 * The fleet's stored bytes, group by group: repositories of one registry with blob mounting enabled and the
 * same encryption share their blobs (`shared`); every other repository stores its own copy
 * (`per-repository`), and the group's reason says which condition failed. Warns, naming the field, where a
 * different KMS key (or encryption type) keeps repositories that reference the same blobs from sharing them.
 */
export function fleetStorage(input: FleetStorageInput): FleetStorage {
  if (typeof input !== "object" || input === null || !Array.isArray(input.repositories)) {
    throw new InvalidInputError(
      "repositories",
      `repositories must be a list of repositories, got ${describeValue(input?.repositories)}`,
    );
  }
  const repositories = input.repositories;
  if (repositories.length > MAX_FLEET_REPOSITORIES) {
    throw new InvalidInputError(
      "repositories",
      `repositories has ${repositories.length} entries; a fleet view takes at most ${MAX_FLEET_REPOSITORIES}`,
    );
  }
  repositories.forEach(checkRepository);
  const registryKey = (registryId: string, region: string) => `${registryId}/${region}`;
  const seen = new Map<string, number>();
  repositories.forEach((repository, index) => {
    const at = `${registryKey(repository.registryId, repository.region)}/${repository.name}`;
    const first = seen.get(at);
    if (first !== undefined) {
      throw new InvalidInputError(
        `repositories[${index}].name`,
        `repositories[${index}] and repositories[${first}] are both "${repository.name}" in registry ${repository.registryId} (${repository.region}): list each repository once`,
      );
    }
    seen.set(at, index);
  });
  const mounting = new Map<string, boolean>();
  (input.registries ?? []).forEach((registry, index) => {
    if (typeof registry?.blobMounting !== "boolean") {
      throw new InvalidInputError(
        `registries[${index}].blobMounting`,
        `registries[${index}].blobMounting must be true or false, got ${describeValue(registry?.blobMounting)}`,
      );
    }
    mounting.set(registryKey(registry.registryId, registry.region), registry.blobMounting);
  });

  // Groups, in first-seen order: per registry and encryption for mounting registries; one per repository otherwise.
  interface Pending {
    group: FleetStorageGroup;
    members: FleetRepository[];
  }
  const pending = new Map<string, Pending>();
  repositories.forEach((repository, index) => {
    const registry = registryKey(repository.registryId, repository.region);
    const encryption = encryptionLabel(repository.encryption);
    const enabled = mounting.get(registry) ?? false;
    let key: string;
    let accounting: StorageAccounting = StorageAccounting.PerRepository;
    let reason: string;
    if (!enabled) {
      key = `repository ${index}`;
      reason = mounting.has(registry)
        ? "BLOB_MOUNTING is disabled in this registry: each repository stores its own copy of every layer"
        : "BLOB_MOUNTING is not known to be enabled in this registry (disabled by default): each repository stores its own copy of every layer";
    } else if (repository.pullThroughCache === true) {
      key = `repository ${index}`;
      reason = "created by a pull-through cache rule: blob mounting is not supported for its images";
    } else {
      key = `${registry} ${encryption}`;
      accounting = StorageAccounting.Shared;
      reason = `BLOB_MOUNTING is enabled and these repositories share the encryption ${encryption}: a layer they reference is stored once (an assumption about the bill: AWS does not state how a mounted layer is billed; and the pushing client must send mount parameters, which it does when the layer came from a repository of the same registry)`;
    }
    const existing = pending.get(key);
    if (existing === undefined) {
      pending.set(key, {
        group: {
          registryId: repository.registryId,
          region: repository.region,
          encryption,
          accounting,
          reason,
          repositories: [repository.name],
          bytes: 0,
          perRepositoryBytes: 0,
        },
        members: [repository],
      });
    } else {
      existing.group.repositories.push(repository.name);
      existing.members.push(repository);
    }
  });

  const groups: FleetStorageGroup[] = [];
  for (const { group, members } of pending.values()) {
    if (group.accounting === StorageAccounting.Shared && members.length === 1) {
      group.accounting = StorageAccounting.PerRepository;
      group.reason = `BLOB_MOUNTING is enabled, but no other repository of this registry has the encryption ${group.encryption}: nothing to share`;
    }
    group.perRepositoryBytes = fleetStoredBytes(members, StorageAccounting.PerRepository);
    group.bytes =
      group.accounting === StorageAccounting.Shared
        ? fleetStoredBytes(members, StorageAccounting.Shared)
        : group.perRepositoryBytes;
    groups.push(group);
  }

  // Attribution: a shared blob's bytes divided among the repositories of its group that reference it.
  const shares: FleetRepositoryShare[] = [];
  for (const { group, members } of pending.values()) {
    const referencing = new Map<string, number>();
    if (group.accounting === StorageAccounting.Shared) {
      for (const member of members) {
        for (const blob of distinctBlobs([member.blobs]))
          referencing.set(blob.digest, (referencing.get(blob.digest) ?? 0) + 1);
      }
    }
    for (const member of members) {
      const blobs = distinctBlobs([member.blobs]);
      const own = member.ownBytes ?? 0;
      shares.push({
        name: member.name,
        registryId: member.registryId,
        region: member.region,
        ownCopyBytes: bytesOf(blobs) + own,
        attributedBytes:
          own + blobs.reduce((total, blob) => total + blob.bytes / (referencing.get(blob.digest) ?? 1), 0),
      });
    }
  }
  const order = new Map(
    repositories.map((repository, index) => [
      `${registryKey(repository.registryId, repository.region)}/${repository.name}`,
      index,
    ]),
  );
  shares.sort(
    (left, right) =>
      (order.get(`${registryKey(left.registryId, left.region)}/${left.name}`) ?? 0) -
      (order.get(`${registryKey(right.registryId, right.region)}/${right.name}`) ?? 0),
  );

  return {
    groups,
    repositories: shares,
    bytes: groups.reduce((total, group) => total + group.bytes, 0),
    perRepositoryBytes: groups.reduce((total, group) => total + group.perRepositoryBytes, 0),
    warnings: encryptionWarnings(repositories, mounting),
  };
}

/**
 * In a registry with blob mounting enabled, repositories that reference the same blobs but differ in
 * encryption type or key cannot share them: each such pair is warned about once, on the later repository's
 * field, with the bytes stored twice.
 */
function encryptionWarnings(
  repositories: readonly FleetRepository[],
  mounting: ReadonlyMap<string, boolean>,
): FleetWarning[] {
  const warnings: FleetWarning[] = [];
  const warned = new Set<number>();
  repositories.forEach((later, laterIndex) => {
    if (later.pullThroughCache === true || !(mounting.get(`${later.registryId}/${later.region}`) ?? false))
      return;
    for (let earlierIndex = 0; earlierIndex < laterIndex; earlierIndex += 1) {
      const earlier = repositories[earlierIndex] as FleetRepository;
      if (
        earlier.pullThroughCache === true ||
        earlier.registryId !== later.registryId ||
        earlier.region !== later.region ||
        encryptionLabel(earlier.encryption) === encryptionLabel(later.encryption) ||
        warned.has(laterIndex)
      )
        continue;
      const earlierDigests = new Set(earlier.blobs.map((blob) => blob.digest));
      const common = distinctBlobs([later.blobs]).filter((blob) => earlierDigests.has(blob.digest));
      if (common.length === 0) continue;
      const sameType = (earlier.encryption?.type ?? "AES256") === (later.encryption?.type ?? "AES256");
      const field = sameType ? "kmsKey" : "type";
      const describe = (repository: FleetRepository) =>
        sameType
          ? JSON.stringify(repository.encryption?.kmsKey ?? "aws/ecr")
          : JSON.stringify(repository.encryption?.type ?? "AES256");
      warnings.push({
        key: `repositories[${laterIndex}].encryption.${field}`,
        message:
          `repositories[${laterIndex}].encryption.${field} ${describe(later)} ("${later.name}") differs from repositories[${earlierIndex}]'s ` +
          `${describe(earlier)} ("${earlier.name}"): blob mounting needs identical encryption type and key, so the ${common.length} layers ` +
          `(${bytesOf(common)} bytes) both reference are stored twice. Fix: give both repositories the same encryption (or accept the copies).`,
      });
      warned.add(laterIndex);
    }
  });
  return warnings;
}
