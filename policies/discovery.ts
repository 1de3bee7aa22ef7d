/**
 * Peer-discovery policies: a StatefulSet's governing Service exists, is headless and selects its pods;
 * the selector matches the template; the Service publishes not-ready pods; the names are stable.
 */
import { PolicyResource } from "@pulumi/policy";
import { statefulPolicy } from "./lib/define";
import {
    describeObject,
    isA,
    known,
    mapSelects,
    metadataOf,
    namespaceOf,
    ofKind,
    plainCopy,
    podLabels,
    selectorIsEmpty,
    selectorMatches,
} from "./lib/k8s";
import { clusteredRange } from "./lib/scale";

/** True when some Service of the stack has a name or namespace unknown during preview (it might be the governing one). */
function someServiceUnknown(resources: PolicyResource[]): boolean {
    return ofKind(resources, "service").some((r) => known(() => [metadataOf(r.props).name, namespaceOf(r.props)]) === undefined);
}

/** The Service named by a StatefulSet's `serviceName` in the same namespace, if the stack has it. */
export function governingService(sts: PolicyResource, resources: PolicyResource[]): PolicyResource | undefined {
    const name = known(() => sts.props.spec?.serviceName as string | undefined);
    const ns = known(() => namespaceOf(sts.props));
    if (name === undefined || ns === undefined) return undefined;
    return ofKind(resources, "service").find((r) => known(() => metadataOf(r.props).name === name && namespaceOf(r.props) === ns) === true);
}

/** What is wrong with the Service `svc` (named `serviceName`) that governs StatefulSet `sts` (`what` in messages). */
function governingServiceProblems(what: string, serviceName: string, svc: PolicyResource, sts: PolicyResource): string[] {
    const governed = `${what} is governed by Service "${serviceName}"`;
    const problems: string[] = [];
    const clusterIP = known(() => ({ value: svc.props.spec?.clusterIP as string | undefined }));
    if (clusterIP !== undefined && clusterIP.value !== "None") {
        problems.push(
            `${governed}, which is not headless (clusterIP: ${JSON.stringify(clusterIP.value ?? "unset")}): set clusterIP: None.`,
        );
    }
    const selector = known(() => plainCopy<Record<string, string>>(svc.props.spec?.selector ?? {}));
    const labels = podLabels(sts.props);
    if (selector !== undefined && Object.keys(selector).length === 0) {
        problems.push(`${governed}, which has no selector: select the StatefulSet's pod labels.`);
    } else if (selector !== undefined && labels !== undefined && !mapSelects(selector, labels)) {
        problems.push(`${governed}, whose selector ${JSON.stringify(selector)} does not match the pod template labels.`);
    }
    return problems;
}

/** Policy 1: a StatefulSet's `serviceName` names a headless Service in the stack that selects its pods. */
export const statefulSetHeadlessService = statefulPolicy({
    name: "statefulset-headless-service",
    description:
        "A StatefulSet's spec.serviceName must name a Service in the same stack and namespace that is headless (clusterIP: None) and whose non-empty selector matches the pod template's labels; without it the pods get no stable DNS names and peer discovery breaks. Fix: create that Service (clusterIP: None, selector = the pod labels) and set serviceName to its name.",
    enforcementLevel: "mandatory",
    protectsAgainst:
        "a StatefulSet whose `serviceName` is missing, names no Service in the stack and namespace, a non-headless one, one without selector or one that does not select its pods (kube-score accepts a selector-less Service; we do not)",
    validateStack: (args, report) => {
        for (const sts of ofKind(args.resources, "statefulSet")) {
            const what = describeObject("StatefulSet", sts.props, sts.name);
            const serviceName = known(() => (sts.props.spec?.serviceName as string | undefined) ?? "");
            if (serviceName === undefined) continue;
            if (serviceName === "") {
                report(`${what} has no spec.serviceName: set it to a headless Service that selects its pods.`, sts.urn);
                continue;
            }
            const svc = governingService(sts, args.resources);
            if (svc === undefined && someServiceUnknown(args.resources)) continue;
            if (svc === undefined) {
                report(
                    `${what} names Service "${serviceName}", which is not in this stack's namespace ${known(() => namespaceOf(sts.props))}: create it (clusterIP: None).`,
                    sts.urn,
                );
                continue;
            }
            for (const problem of governingServiceProblems(what, serviceName, svc, sts)) report(problem, sts.urn);
        }
    },
});

/** Policy 2: a StatefulSet's selector matches its pod template's labels. */
export const statefulSetSelectorMatchesTemplate = statefulPolicy({
    name: "statefulset-selector-matches-template",
    description:
        "A StatefulSet's spec.selector must be non-empty and match spec.template.metadata.labels, or the API server rejects it or it adopts foreign pods. Fix: use the same (immutable) labels in both.",
    enforcementLevel: "mandatory",
    protectsAgainst: "an empty selector or one that does not match the pod template labels",
    validateResource: (args, report) => {
        if (!isA(args.type, "statefulSet")) return;
        const selector = known(() => plainCopy<Record<string, any>>(args.props.spec?.selector ?? {}));
        const labels = podLabels(args.props);
        const what = describeObject("StatefulSet", args.props, args.name);
        if (selector !== undefined && selectorIsEmpty(selector))
            report(`${what} has an empty spec.selector: select the pod template's labels.`);
        else if (selector !== undefined && labels !== undefined && !selectorMatches(selector, labels)) {
            report(`${what}: spec.selector ${JSON.stringify(selector)} does not match the pod template labels ${JSON.stringify(labels)}.`);
        }
    },
});

/** Policy 6: peer-discovery Services publish not-ready addresses. */
export const headlessServicePublishesNotReady = statefulPolicy({
    name: "headless-service-publishes-not-ready",
    description:
        "The headless Service that governs a StatefulSet that may run more than one replica (its replicas, or an autoscaler's range) should set publishNotReadyAddresses: true, so that members resolve each other while they start (clustered systems need their peers before they are ready). Fix: set spec.publishNotReadyAddresses: true on the governing Service.",
    enforcementLevel: "advisory",
    protectsAgainst:
        "a governing Service without `publishNotReadyAddresses: true` (members cannot find starting peers), for StatefulSets that may run more than one replica",
    validateStack: (args, report) => {
        for (const sts of ofKind(args.resources, "statefulSet")) {
            const svc = clusteredRange(sts, args.resources) === undefined ? undefined : governingService(sts, args.resources);
            if (svc !== undefined && known(() => svc.props.spec?.publishNotReadyAddresses === true) === false) {
                report(
                    `${describeObject("Service", svc.props, svc.name)} governs ${describeObject("StatefulSet", sts.props, sts.name)} but does not publish not-ready addresses: set publishNotReadyAddresses: true.`,
                    svc.urn,
                );
            }
        }
    },
});

/** True when Pulumi auto-named the object (the provider's annotation) or no name is set at all. */
function autonamed(props: Record<string, any>): boolean | undefined {
    return known(() => {
        const meta = metadataOf(props);
        return meta.name === undefined || meta.name === "" || meta.annotations?.["pulumi.com/autonamed"] === "true";
    });
}

/** Policy 8: StatefulSets and their governing Services have explicit, stable names. */
export const stableNames = statefulPolicy({
    name: "stable-names",
    description:
        "StatefulSets and their governing headless Services must have explicit metadata.name values, not Pulumi auto-names: an auto-named StatefulSet is recreated under a new name on replacement, its pods get new DNS names and its new claims a new name, orphaning the old volumes. Fix: set metadata.name.",
    enforcementLevel: "mandatory",
    protectsAgainst: "an auto-named StatefulSet or governing Service (replacement renames pods and claims, orphaning volumes)",
    validateStack: (args, report) => {
        for (const sts of ofKind(args.resources, "statefulSet")) {
            if (autonamed(sts.props) === true) {
                report(`StatefulSet "${sts.name}" is auto-named: set metadata.name so that its pods and claims keep their names.`, sts.urn);
            }
            const svc = governingService(sts, args.resources);
            if (svc !== undefined && autonamed(svc.props) === true) {
                report(`Service "${svc.name}" (governing a StatefulSet) is auto-named: set metadata.name.`, svc.urn);
            }
        }
    },
});
