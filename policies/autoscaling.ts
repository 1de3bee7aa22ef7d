/**
 * Autoscaled stateful workloads: when a HorizontalPodAutoscaler or KEDA ScaledObject scales a StatefulSet
 * or an operator's custom resource, `replicas` belongs to the autoscaler, not to Pulumi.
 */
import { statefulPolicy } from "./lib/define";
import { known, parseType } from "./lib/k8s";
import { autoscalers, replicasIgnored, targets } from "./lib/scale";

/** Config of {@link autoscalerOwnsReplicas}. */
export interface AutoscalerConfig {
    /** API groups of custom resources that hold data (their autoscalers get the same rules as a StatefulSet's). */
    statefulGroups: string[];
}

/** Defaults of {@link AutoscalerConfig}: Strimzi and tidb-operator (v1 and v2). */
export const AUTOSCALER_DEFAULTS: AutoscalerConfig = { statefulGroups: ["kafka.strimzi.io", "core.pingcap.com", "pingcap.com"] };

/** Policy 9: an autoscaled stateful object's `replicas` belongs to the autoscaler. */
export const autoscalerOwnsReplicas = statefulPolicy({
    name: "autoscaler-owns-replicas",
    description:
        "When a HorizontalPodAutoscaler (any version) or KEDA ScaledObject in the stack targets a StatefulSet or a custom resource of a stateful operator (API groups in statefulGroups: Strimzi, tidb-operator), Pulumi must not manage that object's spec.replicas (register it with ignoreChanges: [\"spec.replicas\"] or leave replicas unset), or every pulumi up resets what the autoscaler chose; the autoscaler's minimum is at least 2 and not below a PodDisruptionBudget's minAvailable. Autoscalers of Deployments and other stateless targets are out of scope (a minimum of 1 or KEDA's scale to zero is fine there). Fix: add ignoreChanges and raise the minimum.",
    enforcementLevel: "mandatory",
    protectsAgainst:
        'an HPA (any version) or KEDA ScaledObject targeting a StatefulSet or a custom resource of a stateful operator (`statefulGroups`, default Strimzi and tidb-operator) whose `spec.replicas` Pulumi still manages (no `ignoreChanges` covering it: `spec.replicas`, `spec["replicas"]`, `spec`, `spec.*`); a minimum below 2. Deployments and other stateless targets are not checked',
    config: AUTOSCALER_DEFAULTS,
    validateStack: (args, report, cfg) => {
        for (const scaler of autoscalers(args.resources)) {
            const object = args.resources.find((r) => targets(scaler, r));
            const group = object !== undefined ? parseType(object.type)?.group : scaler.group;
            const stateful =
                (scaler.kind === "StatefulSet" && (group === undefined || group === "apps")) ||
                (group !== undefined && cfg.statefulGroups.includes(group));
            if (!stateful) continue;
            if (scaler.min !== undefined && scaler.min < 2) {
                report(
                    `${scaler.label} may scale ${scaler.kind} ${scaler.name} down to ${scaler.min}: set a minimum of at least 2.`,
                    scaler.resource.urn,
                );
            }
            if (object === undefined) continue;
            const declared = known(() => object.props.spec?.replicas as unknown);
            if (declared !== undefined && !replicasIgnored(object)) {
                report(
                    `${scaler.kind} ${scaler.name} is scaled by ${scaler.label} but Pulumi still manages its spec.replicas (${String(declared)}): add ignoreChanges: ["spec.replicas"].`,
                    object.urn,
                );
            }
        }
    },
});
