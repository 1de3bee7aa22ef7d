/**
 * Hygiene and protection policies: pinned images, resource requests, readiness probes; and stateful
 * resources protected from deletion in production.
 */
import { imageIsPinned } from "../components/lib/contract";
import { statefulPolicy } from "./lib/define";
import { containersOf, declaresNoData, describeObject, isA, kindName, KindName, known } from "./lib/k8s";

/** Policy 12: pinned image tags, resource requests and readiness probes. */
export const workloadHygiene = statefulPolicy({
    name: "workload-hygiene",
    description:
        "Every container of a StatefulSet or Deployment, init containers included, uses a pinned image (a tag other than latest, or a digest); every main container requests CPU and memory and has a readiness probe, so that rollouts are reproducible, scheduling is predictable and traffic only reaches ready members. Fix: pin the tag, set resources.requests and add a readinessProbe.",
    enforcementLevel: "advisory",
    protectsAgainst:
        "unpinned images (untagged or `latest`) in containers and init containers, containers without CPU and memory requests, containers without a readiness probe",
    validateResource: (args, report) => {
        if (!isA(args.type, "statefulSet") && !isA(args.type, "deployment")) return;
        const what = describeObject(kindName(args.type), args.props, args.name);
        for (const { container: c, init, label } of containersOf(args.props, true)) {
            const image = known(() => ({ value: c.image as unknown }));
            if (image !== undefined && (typeof image.value !== "string" || !imageIsPinned(image.value))) {
                report(`${what}: ${label} uses image ${JSON.stringify(image.value)}, which is not pinned: use a fixed tag or a digest.`);
            }
            if (init) continue;
            if (known(() => c.resources?.requests?.cpu === undefined || c.resources?.requests?.memory === undefined) === true) {
                report(`${what}: ${label} does not request both cpu and memory.`);
            }
            if (known(() => c.readinessProbe === undefined) === true) report(`${what}: ${label} has no readinessProbe.`);
        }
    },
});

/** Kinds that hold data (or own the claims that do). */
export const DATA_BEARING_KINDS: readonly KindName[] = ["statefulSet", "pvc", "kafka", "kafkaNodePool", "pdGroup", "tikvGroup"];

/** Policy 13: stateful resources are protected in production. */
export const productionDataProtected = statefulPolicy({
    name: "production-data-protected",
    description:
        "Data-bearing resources (StatefulSets other than those annotated stateful-k8s.io/data: none, PersistentVolumeClaims, Strimzi Kafka and KafkaNodePools, tidb-operator PD and TiKV groups, in any API version) are registered with protect: true, so that pulumi destroy or an accidental removal from the program cannot delete them. Advisory by default; production stacks run the pack with policies/production.json, which makes it mandatory. Fix: pass { protect: true } (the stack program does it when stateful-k8s:production is true).",
    enforcementLevel: "advisory",
    protectsAgainst:
        "StatefulSets (other than those annotated `stateful-k8s.io/data: none`), PVCs, Kafka/KafkaNodePools and PD/TiKV groups without `protect: true`; `policies/production.json` makes it mandatory for production stacks (our program protects every component when `stateful-k8s:production` is true)",
    validateResource: (args, report) => {
        if (!DATA_BEARING_KINDS.some((k) => isA(args.type, k)) || args.opts.protect === true) return;
        if (isA(args.type, "statefulSet") && declaresNoData(args.props)) return;
        report(
            `${describeObject(kindName(args.type), args.props, args.name)} holds data but is not protected: register it with protect: true.`,
        );
    },
});
