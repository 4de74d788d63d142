/**
 * The workload each environment preset is priced with in `npm start`'s report. It mirrors the stack
 * configs (stacks/Pulumi.<env>.yaml: retention, scanning, platforms, pushes and pulls) so the offline
 * report and `pulumi preview` price the same month; keep them in step.
 */
import type { LifecyclePresetName } from "../../components/lifecycle";

export interface EnvironmentWorkload {
  name: LifecyclePresetName;
  region: string;
  scanningMode: "basic" | "enhanced";
  platforms: number;
  pushesPerDay: number;
  pullsPerMonthSameRegion: number;
  pullsPerMonthViaNat: number;
  pullsPerMonthCrossRegion: number;
  pullsPerMonthInternet: number;
  rescansPerMonth: number;
}

const none = {
  pullsPerMonthViaNat: 0,
  pullsPerMonthCrossRegion: 0,
  pullsPerMonthInternet: 0,
  rescansPerMonth: 0,
};

export const environmentWorkloads: readonly EnvironmentWorkload[] = [
  {
    ...none,
    name: "dev",
    region: "us-east-1",
    scanningMode: "basic",
    platforms: 1,
    pushesPerDay: 10,
    pullsPerMonthSameRegion: 300,
  },
  {
    ...none,
    name: "staging",
    region: "us-east-1",
    scanningMode: "enhanced",
    platforms: 2,
    pushesPerDay: 3,
    pullsPerMonthSameRegion: 200,
    pullsPerMonthViaNat: 100,
  },
  {
    ...none,
    name: "prod",
    region: "us-east-1",
    scanningMode: "enhanced",
    platforms: 2,
    pushesPerDay: 1,
    pullsPerMonthSameRegion: 2000,
    pullsPerMonthViaNat: 500,
    pullsPerMonthCrossRegion: 200,
    rescansPerMonth: 4,
  },
];
