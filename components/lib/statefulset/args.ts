/**
 * The arguments every StatefulSet-based component shares (storage, resources, monitoring, scheduling):
 * their defaults, how they are merged over a component's own, and their validation.
 */
import { ALERTING_DEFAULTS, ALERTING_KEYS, checkAlertingArgs, resolveAlerting } from "../alerts";
import { toleratedDisruptions } from "../labels";
import { ClaimRetention, MonitoringArgs, ResourcesArgs, SchedulingArgs, StorageArgs } from "../types";
import {
    ArgProblem,
    checkBoolean,
    checkDnsLabel,
    checkDnsSubdomain,
    checkDuration,
    checkGroup,
    checkImage,
    checkInteger,
    checkOneOf,
    checkStorageSize,
    checkStringMap,
} from "../validation";
import { checkResources } from "../resources";

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

/** Default scheduling settings shared by all components. */
export const SCHEDULING_DEFAULTS: Required<SchedulingArgs> = {
    requireAntiAffinity: false,
    maxUnavailable: 1,
    nodeSelector: {},
    tolerations: [],
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

/** Merges scheduling args over the defaults. */
export function resolveScheduling(args: SchedulingArgs | undefined): Required<SchedulingArgs> {
    return {
        requireAntiAffinity: args?.requireAntiAffinity ?? SCHEDULING_DEFAULTS.requireAntiAffinity,
        maxUnavailable: args?.maxUnavailable ?? SCHEDULING_DEFAULTS.maxUnavailable,
        nodeSelector: args?.nodeSelector ?? SCHEDULING_DEFAULTS.nodeSelector,
        tolerations: args?.tolerations ?? SCHEDULING_DEFAULTS.tolerations,
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

const TOLERATION_KEYS = ["key", "operator", "value", "effect", "tolerationSeconds"];
const TOLERATION_EFFECTS = ["", "NoSchedule", "PreferNoSchedule", "NoExecute"];

/** Checks a list of pod tolerations: objects with the Kubernetes fields, each of the right type and value. */
export function checkTolerations(problems: ArgProblem[], path: string, value: unknown): void {
    if (value === undefined) return;
    if (!Array.isArray(value)) {
        problems.push({ path, value, allowed: "a list of tolerations ({ key, operator, value, effect, tolerationSeconds })" });
        return;
    }
    value.forEach((t: unknown, i) => {
        const at = `${path}[${i}]`;
        if (typeof t !== "object" || t === null || Array.isArray(t)) {
            problems.push({ path: at, value: t, allowed: "an object with keys " + TOLERATION_KEYS.join(", ") });
            return;
        }
        const o = t as Record<string, unknown>;
        for (const k of Object.keys(o)) {
            if (!TOLERATION_KEYS.includes(k))
                problems.push({ path: `${at}.${k}`, value: o[k], allowed: "one of the keys " + TOLERATION_KEYS.join(", ") });
        }
        for (const k of ["key", "value"]) {
            if (o[k] !== undefined && typeof o[k] !== "string") problems.push({ path: `${at}.${k}`, value: o[k], allowed: "a string" });
        }
        if (o.operator !== undefined) checkOneOf(problems, `${at}.operator`, o.operator, ["Equal", "Exists"]);
        if (o.effect !== undefined) checkOneOf(problems, `${at}.effect`, o.effect, TOLERATION_EFFECTS);
        if (o.tolerationSeconds !== undefined) checkInteger(problems, `${at}.tolerationSeconds`, o.tolerationSeconds, 0);
        if (o.operator === "Exists" && o.value !== undefined && o.value !== "") {
            problems.push({ path: `${at}.value`, value: o.value, allowed: 'empty with operator "Exists"' });
        }
    });
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
    checkGroup(problems, "scheduling", args.scheduling, ["requireAntiAffinity", "maxUnavailable", "nodeSelector", "tolerations"]);
    checkBoolean(problems, "monitoring.scrapeAnnotations", args.monitoring?.scrapeAnnotations);
    checkBoolean(problems, "monitoring.serviceMonitor", args.monitoring?.serviceMonitor);
    checkStringMap(problems, "monitoring.serviceMonitorLabels", args.monitoring?.serviceMonitorLabels);
    checkDuration(problems, "monitoring.interval", args.monitoring?.interval);
    checkBoolean(problems, "scheduling.requireAntiAffinity", args.scheduling?.requireAntiAffinity);
    checkStringMap(problems, "scheduling.nodeSelector", args.scheduling?.nodeSelector);
    checkTolerations(problems, "scheduling.tolerations", args.scheduling?.tolerations);
    const maxUnavailable = args.scheduling?.maxUnavailable;
    if (maxUnavailable !== undefined && checkInteger(problems, "scheduling.maxUnavailable", maxUnavailable, 1)) {
        // A quorum of floor(n/2)+1 must survive a voluntary disruption.
        const tolerated = toleratedDisruptions(replicas, quorum);
        if (maxUnavailable > tolerated) {
            problems.push({
                path: "scheduling.maxUnavailable",
                value: maxUnavailable,
                allowed: `at most ${tolerated} with ${replicas} replicas (${quorum ? "a majority must stay up" : "one member must stay up"})`,
            });
        }
    }
}
