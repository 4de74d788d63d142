// The fleet view (issue 20): what several pipelines' repositories store together and one bill per account
// and region. Pure: no Pulumi runtime import; a component or stack program lifts it.
export {
  EncryptionType,
  MAX_FLEET_REPOSITORIES,
  StorageAccounting,
  encryptionLabel,
  fleetStorage,
  fleetStoredBytes,
  type FleetRepository,
  type FleetRepositoryShare,
  type FleetStorage,
  type FleetStorageGroup,
  type FleetStorageInput,
  type FleetWarning,
  type RegistrySetting,
  type RepositoryEncryption,
} from "./storage";
export { fleetBills, type FleetBill, type FleetBillInput, type FleetMember } from "./bill";
export { formatFleetReport } from "./report";
export { fleetMemberFromOutput } from "./outputs";
export { fleetMemberOf, type FleetMemberOutput, type FleetMemberSource } from "./member";
