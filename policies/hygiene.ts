/**
 * Hygiene and protection policies: pinned images, resource requests, readiness probes; and stateful
 * resources protected from deletion in production.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { containersOf, describeObject, known, TYPES } from "./lib/k8s";

/** True when an image reference names a fixed tag (not `latest`) or a digest. */
export function imageIsPinned(image: string): boolean {
    if (image.includes("@sha256:")) return true;
    const last = image.split("/").pop() ?? "";
    const colon = last.lastIndexOf(":");
    return colon > 0 && last.slice(colon + 1) !== "" && last.slice(colon + 1) !== "latest";
}

/** Policy 12: pinned image tags, resource requests and readiness probes. */
export const workloadHygiene: ResourceValidationPolicy = {
    name: "workload-hygiene",
    description:
        "Every container of a StatefulSet or Deployment uses a pinned image (a tag other than latest, or a digest), requests CPU and memory, and has a readiness probe, so that rollouts are reproducible, scheduling is predictable and traffic only reaches ready members. Fix: pin the tag, set resources.requests and add a readinessProbe.",
    enforcementLevel: "advisory",
    validateResource: (args, report) => {
        if (args.type !== TYPES.statefulSet && args.type !== TYPES.deployment) return;
        known(() => {
            const what = describeObject(args.type === TYPES.statefulSet ? "StatefulSet" : "Deployment", args.props, args.name);
            for (const c of containersOf(args.props)) {
                if (typeof c.image !== "string" || !imageIsPinned(c.image)) {
                    report(
                        `${what}: container "${c.name}" uses image ${JSON.stringify(c.image)}, which is not pinned: use a fixed tag or a digest.`,
                    );
                }
                if (c.resources?.requests?.cpu === undefined || c.resources?.requests?.memory === undefined) {
                    report(`${what}: container "${c.name}" does not request both cpu and memory.`);
                }
                if (c.readinessProbe === undefined) report(`${what}: container "${c.name}" has no readinessProbe.`);
            }
        });
    },
};

/** Resource types that hold data (or own the claims that do). */
export const DATA_BEARING_TYPES: readonly string[] = [
    TYPES.statefulSet,
    TYPES.pvc,
    TYPES.kafka,
    TYPES.kafkaNodePool,
    TYPES.pdGroup,
    TYPES.tikvGroup,
];

/** Policy 13: stateful resources are protected in production. */
export const productionDataProtected: ResourceValidationPolicy = {
    name: "production-data-protected",
    description:
        "Data-bearing resources (StatefulSets, PersistentVolumeClaims, Strimzi Kafka and KafkaNodePools, tidb-operator PD and TiKV groups) are registered with protect: true, so that pulumi destroy or an accidental removal from the program cannot delete them. Advisory by default; production stacks run the pack with policies/production.json, which makes it mandatory. Fix: pass { protect: true } (the stack program does it when stateful-k8s:production is true).",
    enforcementLevel: "advisory",
    validateResource: (args, report) => {
        if (!DATA_BEARING_TYPES.includes(args.type) || args.opts.protect === true) return;
        const what = known(() => describeObject(args.type.split(":").pop() ?? args.type, args.props, args.name)) ?? args.name;
        report(`${what} holds data but is not protected: register it with protect: true.`);
    },
};
