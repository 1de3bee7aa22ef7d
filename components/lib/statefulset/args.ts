/**
 * The arguments every StatefulSet-based component shares (storage, resources, monitoring, scheduling,
 * network policy): their defaults, how they are merged over a component's own, and their validation.
 * Scheduling's own defaults and checks are in lib/scheduling.ts, which Kafka shares.
 */
import { ALERTING_DEFAULTS, ALERTING_KEYS, checkAlertingArgs, resolveAlerting } from "../alerts";
import { ResolvedNetworkPolicy, resolveNetworkPolicy } from "../network";
import { Resolved, resolveArgs } from "../resolve";
import { ResolvedResources, ResourcesDefaults, resolveResources } from "../resources";
import { resolveScheduling } from "../scheduling";
import {
    ClaimRetention,
    MonitoringArgs,
    PersistentSystemArgs,
    ResourcesArgs,
    SchedulingArgs,
    StatefulSetSystemArgs,
    StorageArgs,
} from "../types";
import {
    ArgProblem,
    checkBoolean,
    checkDnsLabel,
    checkDnsSubdomain,
    checkDuration,
    checkGroup,
    checkImage,
    checkOneOf,
    checkStorageSize,
    checkStringMap,
} from "../validation";
import { checkResources } from "../resources";
import { validateScheduling } from "../scheduling";

/** Storage settings with every default applied. */
export type ResolvedStorage = Required<Pick<StorageArgs, "size" | "whenDeleted" | "whenScaled">> & Pick<StorageArgs, "storageClassName">;

/** Default monitoring settings shared by all components. */
export const MONITORING_DEFAULTS: Required<MonitoringArgs> = {
    scrapeAnnotations: true,
    serviceMonitor: false,
    serviceMonitorLabels: {},
    interval: "30s",
    ...ALERTING_DEFAULTS,
};

/** Default claim retention: keep the data whatever happens to the StatefulSet. */
export const RETENTION_DEFAULTS = { whenDeleted: ClaimRetention.Retain, whenScaled: ClaimRetention.Retain } as const;

/** Merges monitoring args over the defaults. */
export function resolveMonitoring(args: MonitoringArgs | undefined): Required<MonitoringArgs> {
    return {
        scrapeAnnotations: args?.scrapeAnnotations ?? MONITORING_DEFAULTS.scrapeAnnotations,
        serviceMonitor: args?.serviceMonitor ?? MONITORING_DEFAULTS.serviceMonitor,
        serviceMonitorLabels: args?.serviceMonitorLabels ?? MONITORING_DEFAULTS.serviceMonitorLabels,
        interval: args?.interval ?? MONITORING_DEFAULTS.interval,
        ...resolveAlerting(args, args?.serviceMonitor ?? MONITORING_DEFAULTS.serviceMonitor),
    };
}

/** Merges storage args over a component's default size and the retention defaults. */
export function resolveStorage(args: StorageArgs | undefined, defaultSize: string): ResolvedStorage {
    return {
        size: args?.size ?? defaultSize,
        storageClassName: args?.storageClassName,
        whenDeleted: args?.whenDeleted ?? RETENTION_DEFAULTS.whenDeleted,
        whenScaled: args?.whenScaled ?? RETENTION_DEFAULTS.whenScaled,
    };
}

/** The defaults every StatefulSet system declares (in its `*_DEFAULTS`) for the arguments they all share. */
export interface StatefulSetDefaults {
    namespace: string;
    clusterDomain: string;
    replicas: number;
    image: string;
    resources: ResourcesDefaults;
}

/** The groups of {@link StatefulSetSystemArgs} with every default applied (their own and the system's). */
export interface ResolvedStatefulSetGroups {
    resources: ResolvedResources;
    monitoring: Required<MonitoringArgs>;
    scheduling: Required<SchedulingArgs>;
    networkPolicy: ResolvedNetworkPolicy;
}

/** The resolved arguments every StatefulSet system shares: its shared groups and top-level settings. */
export type SharedResolvedArgs = ResolvedStatefulSetGroups & { namespace: string; clusterDomain: string; replicas: number; image: string };

/** Args `A` of a StatefulSet system over its defaults `D`: every top-level default and every shared group resolved. */
export type ResolvedStatefulSetArgs<D extends StatefulSetDefaults, A extends StatefulSetSystemArgs> = Omit<
    Resolved<D, A>,
    keyof ResolvedStatefulSetGroups
> &
    SharedResolvedArgs;

/** {@link ResolvedStatefulSetArgs} of a system that keeps data: its `storage` resolved too. */
export type ResolvedPersistentArgs<D extends StatefulSetDefaults & { storageSize: string }, A extends PersistentSystemArgs> = Omit<
    ResolvedStatefulSetArgs<D, A>,
    "storage"
> & { storage: ResolvedStorage };

/**
 * Throws an ArgsError labelled `label` when `problems` is not empty; otherwise returns `args` over the
 * system's `defaults`, with the shared groups (resources, monitoring, scheduling, network policy) resolved.
 */
export function resolveStatefulSetArgs<D extends StatefulSetDefaults, A extends StatefulSetSystemArgs>(
    label: string,
    problems: ArgProblem[],
    defaults: D,
    args: A,
): ResolvedStatefulSetArgs<D, A> {
    const resolved = resolveArgs(label, problems, defaults, args) as Resolved<D, A> & StatefulSetDefaults;
    return {
        ...resolved,
        resources: resolveResources(args.resources, defaults.resources),
        monitoring: resolveMonitoring(args.monitoring),
        scheduling: resolveScheduling(args.scheduling),
        networkPolicy: resolveNetworkPolicy(args.networkPolicy, resolved.namespace),
    };
}

/** {@link resolveStatefulSetArgs} for a system that keeps data: `storage` over the system's `storageSize`. */
export function resolvePersistentArgs<D extends StatefulSetDefaults & { storageSize: string }, A extends PersistentSystemArgs>(
    label: string,
    problems: ArgProblem[],
    defaults: D,
    args: A,
): ResolvedPersistentArgs<D, A> {
    return { ...resolveStatefulSetArgs(label, problems, defaults, args), storage: resolveStorage(args.storage, defaults.storageSize) };
}

/** Validates the component name and the args every component shares; problem paths are relative to the component's args. */
export function validateSharedArgs(
    problems: ArgProblem[],
    name: string,
    args: {
        namespace?: string;
        image?: string;
        storage?: StorageArgs;
        resources?: ResourcesArgs;
        monitoring?: MonitoringArgs;
        scheduling?: SchedulingArgs;
        clusterDomain?: string;
    },
    replicas: number,
    quorum: boolean,
): void {
    // The headless Service is `<name>-headless`; StatefulSet names leave room for the pod-name suffixes.
    checkDnsLabel(problems, "name", name, 43);
    if (args.namespace !== undefined) checkDnsLabel(problems, "namespace", args.namespace);
    if (args.image !== undefined) checkImage(problems, "image", args.image);
    // Part of every member's DNS name.
    if (args.clusterDomain !== undefined) checkDnsSubdomain(problems, "clusterDomain", args.clusterDomain);
    if (checkGroup(problems, "storage", args.storage, ["size", "storageClassName", "whenDeleted", "whenScaled"])) {
        if (args.storage.size !== undefined) {
            checkStorageSize(problems, "storage.size", args.storage.size);
        }
        if (args.storage.storageClassName !== undefined) {
            checkDnsSubdomain(problems, "storage.storageClassName", args.storage.storageClassName);
        }
        for (const key of ["whenDeleted", "whenScaled"] as const) {
            if (args.storage[key] !== undefined) {
                checkOneOf(problems, `storage.${key}`, args.storage[key], Object.values(ClaimRetention));
            }
        }
    }
    checkResources(problems, "resources", args.resources);
    checkGroup(problems, "monitoring", args.monitoring, [
        "scrapeAnnotations",
        "serviceMonitor",
        "serviceMonitorLabels",
        "interval",
        ...ALERTING_KEYS,
    ]);
    checkAlertingArgs(problems, args.monitoring);
    checkBoolean(problems, "monitoring.scrapeAnnotations", args.monitoring?.scrapeAnnotations);
    checkBoolean(problems, "monitoring.serviceMonitor", args.monitoring?.serviceMonitor);
    checkStringMap(problems, "monitoring.serviceMonitorLabels", args.monitoring?.serviceMonitorLabels);
    checkDuration(problems, "monitoring.interval", args.monitoring?.interval);
    validateScheduling(problems, args.scheduling, replicas, quorum);
}
