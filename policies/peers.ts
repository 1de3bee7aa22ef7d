/**
 * Checks that other linters (kube-score, kube-linter, Polaris) make, kept where they matter for stateful
 * workloads: liveness probes that restart busy data stores, data stores open to every pod of the cluster,
 * and containers that keep every capability. All advisory: none of them loses data by itself.
 */
import { PolicyResource } from "@pulumi/policy";
import { statefulPolicy } from "./lib/define";
import { containersOf, describeObject, holdsData, isA, kindName, known, namespaceOf, ofKind, plainCopy, selectorMatches } from "./lib/k8s";

const HANDLERS = ["exec", "httpGet", "tcpSocket", "grpc"] as const;

/** The check a probe runs (its handler), as comparable JSON; undefined when it has none. */
function probeCheck(probe: Record<string, any>): string | undefined {
    const handler = HANDLERS.find((h) => probe[h] !== undefined);
    return handler === undefined ? undefined : JSON.stringify({ [handler]: probe[handler] });
}

/** Seconds of consecutive failures before a probe gives up (Kubernetes defaults: every 10 s, 3 failures). */
function failureWindow(probe: Record<string, any>): number {
    return ((probe.periodSeconds as number | undefined) ?? 10) * ((probe.failureThreshold as number | undefined) ?? 3);
}

/** A data store's liveness probe is not its readiness probe. */
export const dataStoreLivenessDistinct = statefulPolicy({
    name: "data-store-liveness-distinct",
    description:
        "On a StatefulSet that keeps data, a container's liveness probe does not run the same check as its readiness probe with no longer to fail: a member that is only busy (compacting, resyncing from a peer, under load) then fails both and is restarted instead of merely taken out of service, which makes the resync start over and can cascade through the cluster. Same check with a longer failure window (the pattern the Kubernetes documentation recommends) passes. Fix: probe liveness with a cheaper check or give it a larger failureThreshold/periodSeconds.",
    enforcementLevel: "advisory",
    protectsAgainst:
        "a container of a StatefulSet that keeps data whose liveness probe runs the same check as its readiness probe with no longer failure window: a busy member is restarted instead of taken out of service (the same check with a larger `failureThreshold` passes)",
    validateResource: (args, report) => {
        if (!isA(args.type, "statefulSet") || !holdsData(args.props)) return;
        for (const { container: c, label } of containersOf(args.props)) {
            const probes = known(() => {
                if (c.livenessProbe === undefined || c.readinessProbe === undefined) return undefined;
                const live = plainCopy<Record<string, any>>(c.livenessProbe);
                const ready = plainCopy<Record<string, any>>(c.readinessProbe);
                return { live, ready };
            });
            if (probes === undefined) continue;
            const check = probeCheck(probes.live);
            if (check === undefined || check !== probeCheck(probes.ready)) continue;
            const live = failureWindow(probes.live);
            const ready = failureWindow(probes.ready);
            if (live <= ready) {
                report(
                    `${describeObject("StatefulSet", args.props, args.name)}: ${label} runs the same liveness check as its readiness check and gives it no longer to fail (${live} s vs ${ready} s): a busy member is restarted instead of taken out of service: probe liveness more cheaply or give it a longer failure window.`,
                );
            }
        }
    },
});

/** True when a NetworkPolicy restricts ingress to the pods it selects (undefined when unknown during preview). */
function restrictsIngress(np: PolicyResource): boolean | undefined {
    return known(() => {
        const types = np.props.spec?.policyTypes as string[] | undefined;
        return types === undefined || Array.from(types).includes("Ingress");
    });
}

/** A data-bearing StatefulSet is covered by a NetworkPolicy. */
export const dataNetworkPolicy = statefulPolicy({
    name: "data-network-policy",
    description:
        "A StatefulSet that keeps data has its pods selected by an ingress NetworkPolicy in its namespace (an empty podSelector counts), so that only its clients and peers reach the data; without one, any pod in the cluster can connect. Operator-managed data stores are out of reach (their pods are not in the stack). Fix: add a networking.k8s.io/v1 NetworkPolicy selecting the pods that admits the clients, the peers and the metrics scraper.",
    enforcementLevel: "advisory",
    protectsAgainst:
        "a StatefulSet that keeps data whose pods no ingress NetworkPolicy in its namespace selects (an empty `podSelector` counts). Our components create one when their `networkPolicy.enabled` is set, as the prod stack does; the dev and staging stacks do not, and draw this advisory for Nacos, RabbitMQ and Redis",
    validateStack: (args, report) => {
        const policies = ofKind(args.resources, "networkPolicy").filter((np) => restrictsIngress(np) !== false);
        for (const sts of ofKind(args.resources, "statefulSet")) {
            if (!holdsData(sts.props)) continue;
            const covered = known(() => {
                const ns = namespaceOf(sts.props);
                const labels = plainCopy<Record<string, string>>(sts.props.spec?.template?.metadata?.labels ?? {});
                const selects = policies.map((np) => {
                    const matches = known(() => namespaceOf(np.props) === ns && selectorMatches(np.props.spec?.podSelector, labels, true));
                    return matches === true && restrictsIngress(np) === undefined ? undefined : matches;
                });
                // A policy whose namespace or selector is unknown might cover the pods: judge after the update.
                return selects.includes(true) ? true : selects.includes(undefined) ? undefined : false;
            });
            if (covered === false) {
                report(
                    `${describeObject("StatefulSet", sts.props, sts.name)} keeps data and no NetworkPolicy selects its pods: any pod in the cluster can reach it: add one that admits only its clients and peers.`,
                    sts.urn,
                );
            }
        }
    },
});

/** No container keeps every capability. */
export const noAllCapabilities = statefulPolicy({
    name: "no-all-capabilities",
    description:
        "No container (init containers included) of a StatefulSet, Deployment or DaemonSet runs privileged or adds the capability \"ALL\": either keeps every Linux capability (and, privileged, the host's devices), so a compromised member can read other pods' volumes on its node. Containers that only keep the runtime's default set pass (dropping ALL is better still). Fix: remove privileged and add only the capabilities the process needs.",
    enforcementLevel: "advisory",
    protectsAgainst:
        "a container or init container of a StatefulSet, Deployment or DaemonSet that runs `privileged` or adds capability `ALL`",
    validateResource: (args, report) => {
        if (!isA(args.type, "statefulSet") && !isA(args.type, "deployment") && !isA(args.type, "daemonSet")) return;
        const what = describeObject(kindName(args.type), args.props, args.name);
        for (const { container: c, label } of containersOf(args.props, true)) {
            if (known(() => c.securityContext?.privileged === true) === true) {
                report(
                    `${what}: ${label} runs privileged, keeping every capability: drop privileged and add only the capabilities it needs.`,
                );
                continue;
            }
            const adds = known(() => Array.from((c.securityContext?.capabilities?.add ?? []) as string[]));
            if (adds !== undefined && adds.some((a) => a.toUpperCase() === "ALL")) {
                report(`${what}: ${label} adds capability ALL, keeping every capability: add only the ones it needs.`);
            }
        }
    },
});
