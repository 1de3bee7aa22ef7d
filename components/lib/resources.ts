/**
 * CPU, memory and local storage of containers: a component's {@link ResourcesArgs} merged over its
 * defaults, as Kubernetes requests and limits, and the local-storage share of every container.
 */
import * as k8s from "@pulumi/kubernetes";
import { memoryMiB } from "./quantity";
import { ResourcesArgs } from "./types";
import { ArgProblem, checkCpu, checkGroup, checkMemory, checkStorageSize } from "./validation";

/** A component's own resource defaults: at least its CPU and memory requests. */
export type ResourcesDefaults = ResourcesArgs & { cpuRequest: string; memoryRequest: string };

/** Resources over defaults that set both requests: the requests and the memory limit are always there. */
export type ResolvedResources = ResourcesArgs & { cpuRequest: string; memoryRequest: string; memoryLimit: string };

/** Merges resource args over a component's defaults (memory limit defaults to the memory request). */
export function resolveResources(args: ResourcesArgs | undefined, defaults: ResourcesDefaults): ResolvedResources;
export function resolveResources(args: ResourcesArgs | undefined, defaults: ResourcesArgs): ResourcesArgs;
export function resolveResources(args: ResourcesArgs | undefined, defaults: ResourcesArgs): ResourcesArgs {
    const memoryRequest = args?.memoryRequest ?? defaults.memoryRequest;
    return {
        cpuRequest: args?.cpuRequest ?? defaults.cpuRequest,
        memoryRequest,
        cpuLimit: args?.cpuLimit ?? defaults.cpuLimit,
        memoryLimit: args?.memoryLimit ?? defaults.memoryLimit ?? memoryRequest,
        ephemeralStorageRequest: args?.ephemeralStorageRequest ?? defaults.ephemeralStorageRequest,
        ephemeralStorageLimit: args?.ephemeralStorageLimit ?? defaults.ephemeralStorageLimit,
    };
}

/** The Kubernetes requests and limits of a (defaulted) {@link ResourcesArgs}. */
export function resourceRequirements(r: ResourcesArgs): k8s.types.input.core.v1.ResourceRequirements {
    const requests: Record<string, string> = {};
    const limits: Record<string, string> = {};
    if (r.cpuRequest !== undefined) requests.cpu = r.cpuRequest;
    if (r.memoryRequest !== undefined) requests.memory = r.memoryRequest;
    if (r.cpuLimit !== undefined) limits.cpu = r.cpuLimit;
    if (r.memoryLimit !== undefined) limits.memory = r.memoryLimit;
    if (r.ephemeralStorageRequest !== undefined) requests["ephemeral-storage"] = r.ephemeralStorageRequest;
    if (r.ephemeralStorageLimit !== undefined) limits["ephemeral-storage"] = r.ephemeralStorageLimit;
    return { requests, limits };
}

/**
 * Local storage every container is granted for itself: its stdout/stderr log, which the kubelet keeps
 * in at most 5 files of 10Mi (`containerLogMaxFiles`, `containerLogMaxSize` defaults), and a little of
 * its writable layer.
 */
export const CONTAINER_EPHEMERAL_STORAGE = "64Mi";

/**
 * The main container's default `ephemeral-storage` request: {@link CONTAINER_EPHEMERAL_STORAGE} plus the
 * `sizeLimit` of every capped disk-backed `emptyDir` of the pod (a pod's request is the sum of its containers',
 * and its `emptyDir`s count against the pod). Memory-backed `emptyDir`s count as memory instead.
 */
export function defaultEphemeralStorageRequest(volumes: k8s.types.input.core.v1.Volume[]): string {
    let mib = memoryMiB(CONTAINER_EPHEMERAL_STORAGE);
    for (const v of volumes) {
        const dir = v.emptyDir as { medium?: string; sizeLimit?: string } | undefined;
        if (dir === undefined || dir.medium === "Memory") continue;
        // An uncapped emptyDir (Redis's restore scratch space, sized by the snapshot) adds nothing it could bound.
        if (typeof dir.sizeLimit === "string") mib += memoryMiB(dir.sizeLimit);
    }
    return `${mib}Mi`;
}

/**
 * Resources of a small helper container (an init container, a sidecar, a Job's): CPU and memory
 * requests, a memory limit, and {@link CONTAINER_EPHEMERAL_STORAGE} of local storage for its log.
 */
export function helperResources(cpu: string, memory: string, memoryLimit: string): k8s.types.input.core.v1.ResourceRequirements {
    return {
        requests: { cpu, memory, "ephemeral-storage": CONTAINER_EPHEMERAL_STORAGE },
        limits: { memory: memoryLimit },
    };
}

/** Keys of a resources group. */
export const RESOURCES_KEYS = [
    "cpuRequest",
    "memoryRequest",
    "cpuLimit",
    "memoryLimit",
    "ephemeralStorageRequest",
    "ephemeralStorageLimit",
] as const;

/** Checks a resources group ({@link RESOURCES_KEYS}) at `path`. */
export function checkResources(
    problems: ArgProblem[],
    path: string,
    resources:
        | {
              cpuRequest?: string;
              cpuLimit?: string;
              memoryRequest?: string;
              memoryLimit?: string;
              ephemeralStorageRequest?: string;
              ephemeralStorageLimit?: string;
          }
        | undefined,
): void {
    if (!checkGroup(problems, path, resources, RESOURCES_KEYS)) return;
    checkCpu(problems, `${path}.cpuRequest`, resources?.cpuRequest);
    checkCpu(problems, `${path}.cpuLimit`, resources?.cpuLimit);
    checkMemory(problems, `${path}.memoryRequest`, resources?.memoryRequest);
    checkMemory(problems, `${path}.memoryLimit`, resources?.memoryLimit);
    for (const key of ["ephemeralStorageRequest", "ephemeralStorageLimit"] as const) {
        if (resources?.[key] !== undefined) checkStorageSize(problems, `${path}.${key}`, resources[key]);
    }
}
