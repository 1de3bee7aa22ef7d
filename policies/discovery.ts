/**
 * Peer-discovery policies: a StatefulSet's governing Service exists, is headless and selects its pods;
 * the selector matches the template; the Service publishes not-ready pods; the names are stable.
 */
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { describeObject, known, mapSelects, metadataOf, namespaceOf, replicasOf, selectorIsEmpty, selectorMatches, TYPES } from "./lib/k8s";

/** The Service named by a StatefulSet's `serviceName` in the same namespace, if the stack has it. */
export function governingService(sts: PolicyResource, resources: PolicyResource[]): PolicyResource | undefined {
    const name = sts.props.spec?.serviceName as string | undefined;
    return resources.find(
        (r) => r.type === TYPES.service && metadataOf(r.props).name === name && namespaceOf(r.props) === namespaceOf(sts.props),
    );
}

/** Policy 1: a StatefulSet's `serviceName` names a headless Service in the stack that selects its pods. */
export const statefulSetHeadlessService: StackValidationPolicy = {
    name: "statefulset-headless-service",
    description:
        "A StatefulSet's spec.serviceName must name a Service in the same stack and namespace that is headless (clusterIP: None) and whose non-empty selector matches the pod template's labels; without it the pods get no stable DNS names and peer discovery breaks. Fix: create that Service (clusterIP: None, selector = the pod labels) and set serviceName to its name.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        for (const sts of args.resources.filter((r) => r.type === TYPES.statefulSet)) {
            known(() => {
                const what = describeObject("StatefulSet", sts.props, sts.name);
                const serviceName = sts.props.spec?.serviceName as string | undefined;
                if (serviceName === undefined || serviceName === "") {
                    report(`${what} has no spec.serviceName: set it to a headless Service that selects its pods.`, sts.urn);
                    return;
                }
                const svc = governingService(sts, args.resources);
                if (svc === undefined) {
                    report(
                        `${what} names Service "${serviceName}", which is not in this stack's namespace ${namespaceOf(sts.props)}: create it (clusterIP: None).`,
                        sts.urn,
                    );
                    return;
                }
                const spec = svc.props.spec ?? {};
                if (spec.clusterIP !== "None") {
                    report(
                        `${what} is governed by Service "${serviceName}", which is not headless (clusterIP: ${JSON.stringify(spec.clusterIP ?? "unset")}): set clusterIP: None.`,
                        sts.urn,
                    );
                }
                const selector = spec.selector as Record<string, string> | undefined;
                if (selector === undefined || Object.keys(selector).length === 0) {
                    report(
                        `${what} is governed by Service "${serviceName}", which has no selector: select the StatefulSet's pod labels.`,
                        sts.urn,
                    );
                } else if (!mapSelects(selector, sts.props.spec?.template?.metadata?.labels)) {
                    report(
                        `${what} is governed by Service "${serviceName}", whose selector ${JSON.stringify(selector)} does not match the pod template labels.`,
                        sts.urn,
                    );
                }
            });
        }
    },
};

/** Policy 2: a StatefulSet's selector matches its pod template's labels. */
export const statefulSetSelectorMatchesTemplate: ResourceValidationPolicy = {
    name: "statefulset-selector-matches-template",
    description:
        "A StatefulSet's spec.selector must be non-empty and match spec.template.metadata.labels, or the API server rejects it or it adopts foreign pods. Fix: use the same (immutable) labels in both.",
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        if (args.type !== TYPES.statefulSet) return;
        known(() => {
            const selector = args.props.spec?.selector;
            const labels = args.props.spec?.template?.metadata?.labels;
            const what = describeObject("StatefulSet", args.props, args.name);
            if (selectorIsEmpty(selector)) report(`${what} has an empty spec.selector: select the pod template's labels.`);
            else if (!selectorMatches(selector, labels)) {
                report(
                    `${what}: spec.selector ${JSON.stringify(selector)} does not match the pod template labels ${JSON.stringify(labels ?? {})}.`,
                );
            }
        });
    },
};

/** Policy 6: peer-discovery Services publish not-ready addresses. */
export const headlessServicePublishesNotReady: StackValidationPolicy = {
    name: "headless-service-publishes-not-ready",
    description:
        "The headless Service that governs a StatefulSet with more than one replica should set publishNotReadyAddresses: true, so that members resolve each other while they start (clustered systems need their peers before they are ready). Fix: set spec.publishNotReadyAddresses: true on the governing Service.",
    enforcementLevel: "advisory",
    validateStack: (args, report) => {
        for (const sts of args.resources.filter((r) => r.type === TYPES.statefulSet)) {
            known(() => {
                if (replicasOf(sts.props) < 2) return;
                const svc = governingService(sts, args.resources);
                if (svc !== undefined && svc.props.spec?.publishNotReadyAddresses !== true) {
                    report(
                        `Service ${namespaceOf(svc.props)}/${metadataOf(svc.props).name} governs ${describeObject("StatefulSet", sts.props, sts.name)} but does not publish not-ready addresses: set publishNotReadyAddresses: true.`,
                        svc.urn,
                    );
                }
            });
        }
    },
};

/** True when Pulumi auto-named the object (the provider's annotation) or no name is set at all. */
function autonamed(props: Record<string, any>): boolean {
    const meta = metadataOf(props);
    return meta.name === undefined || meta.name === "" || meta.annotations?.["pulumi.com/autonamed"] === "true";
}

/** Policy 8: StatefulSets and their governing Services have explicit, stable names. */
export const stableNames: StackValidationPolicy = {
    name: "stable-names",
    description:
        "StatefulSets and their governing headless Services must have explicit metadata.name values, not Pulumi auto-names: an auto-named StatefulSet is recreated under a new name on replacement, its pods get new DNS names and its new claims a new name, orphaning the old volumes. Fix: set metadata.name.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        for (const sts of args.resources.filter((r) => r.type === TYPES.statefulSet)) {
            known(() => {
                if (autonamed(sts.props)) {
                    report(
                        `StatefulSet "${sts.name}" is auto-named: set metadata.name so that its pods and claims keep their names.`,
                        sts.urn,
                    );
                }
                const svc = governingService(sts, args.resources);
                if (svc !== undefined && autonamed(svc.props)) {
                    report(`Service "${svc.name}" (governing a StatefulSet) is auto-named: set metadata.name.`, svc.urn);
                }
            });
        }
    },
};
