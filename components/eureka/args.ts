/** The arguments of the Eureka component: their documentation, defaults and validation, and the peer URLs. */
import { validateAutoscaling } from "../lib/autoscaling";
import { WORKLOAD_DEFAULTS } from "../lib/naming";
import { validateNetworkPolicyArgs } from "../lib/network";
import { ResolvedStatefulSetArgs, resolveStatefulSetArgs, validateSharedArgs } from "../lib/statefulset/args";
import { StatefulSetSystemArgs } from "../lib/types";
import { ArgProblem, checkInteger, checkReplicaCeiling, checkReplicas, checkBoolean, isObject } from "../lib/validation";

/** Arguments of {@link Eureka}. */
export interface EurekaArgs extends StatefulSetSystemArgs {
    /**
     * Number of Eureka servers. Every server lists every server as a peer; with `autoscaling`, every
     * possible server up to `maxReplicas` (Eureka skips the unreachable ones).
     * @default 3
     */
    replicas?: number;
    /**
     * Eureka has no official image; the default, Steeltoe's Spring Boot server, serves no Prometheus
     * metrics. True when the image serves `/actuator/prometheus` (it carries `micrometer-registry-prometheus`, as the image
     * built from `images/eureka/Dockerfile` does). Scrape annotations and the ServiceMonitor exist only
     * then: nothing scrapes a path the image does not serve.
     * @default false
     */
    prometheusMetrics?: boolean;
    /**
     * HTTP port of the server (REST API, peer replication, Actuator).
     * @default 8761
     */
    port?: number;
    /**
     * How often, in milliseconds, a server re-reads its peer list (`eureka.server.peer-eureka-nodes-update-interval-ms`).
     * Upstream's default is 600000 (10 minutes).
     * @default 15000
     */
    peerNodesUpdateIntervalMs?: number;
    /**
     * Keeps Eureka's self-preservation mode on. Pod churn on Kubernetes trips it, so it is off by default.
     * @default false
     */
    selfPreservation?: boolean;
    /**
     * User (and group) the container runs as.
     * @default 1000
     */
    runAsUser?: number;
}

/** Defaults of {@link EurekaArgs}. */
export const EUREKA_DEFAULTS = {
    namespace: WORKLOAD_DEFAULTS.namespace,
    replicas: 3,
    image: "steeltoeoss/eureka-server:4.1.1",
    port: 8761,
    peerNodesUpdateIntervalMs: 15000,
    selfPreservation: false,
    clusterDomain: WORKLOAD_DEFAULTS.clusterDomain,
    runAsUser: 1000,
    prometheusMetrics: false,
    resources: { cpuRequest: "250m", memoryRequest: "512Mi" },
} as const;

/**
 * Spring Cloud Netflix's own defaults (`EurekaServerConfigBean`, v4.1.x) for the settings the default
 * image's `application.properties` lowers for local development, and the log level it raises to TRACE.
 */
export const EUREKA_SERVER_DEFAULTS = {
    evictionIntervalTimerInMs: 60000,
    responseCacheUpdateIntervalMs: 30000,
    waitTimeInMsWhenSyncEmpty: 300000,
    logLevel: "INFO",
} as const;

/** Returns every problem with the arguments of a Eureka component named `name`. */
export function validateEurekaArgs(name: string, args: EurekaArgs): ArgProblem[] {
    const problems: ArgProblem[] = [];
    const replicas = args.replicas ?? EUREKA_DEFAULTS.replicas;
    checkReplicas(problems, "replicas", replicas, "any");
    if (args.port !== undefined) checkInteger(problems, "port", args.port, 1, 65535);
    if (args.peerNodesUpdateIntervalMs !== undefined)
        checkInteger(problems, "peerNodesUpdateIntervalMs", args.peerNodesUpdateIntervalMs, 1000);
    checkBoolean(problems, "selfPreservation", args.selfPreservation);
    checkBoolean(problems, "prometheusMetrics", args.prometheusMetrics);
    if (!(args.prometheusMetrics ?? EUREKA_DEFAULTS.prometheusMetrics)) {
        const why =
            "false: the image serves no /actuator/prometheus unless prometheusMetrics is true (build one from images/eureka/Dockerfile)";
        if (args.monitoring?.serviceMonitor === true) problems.push({ path: "monitoring.serviceMonitor", value: true, allowed: why });
        if (args.monitoring?.scrapeAnnotations === true) problems.push({ path: "monitoring.scrapeAnnotations", value: true, allowed: why });
    }
    if (args.runAsUser !== undefined) checkInteger(problems, "runAsUser", args.runAsUser, 1);
    validateAutoscaling(problems, "autoscaling", args.autoscaling, replicas, 2, "a single server is a single point of failure");
    // Every member lists every possible peer, up to maxReplicas.
    const maxReplicas = isObject(args.autoscaling) ? args.autoscaling.maxReplicas : undefined;
    if (typeof maxReplicas === "number" && Number.isInteger(maxReplicas))
        checkReplicaCeiling(problems, "autoscaling.maxReplicas", maxReplicas);
    validateNetworkPolicyArgs(problems, "networkPolicy", args.networkPolicy);
    validateSharedArgs(problems, name, args, typeof replicas === "number" ? replicas : 1, false);
    return problems;
}

/** {@link EurekaArgs} validated, with every default applied; throws an ArgsError naming every problem. */
export function resolveEurekaArgs(name: string, args: EurekaArgs): ResolvedStatefulSetArgs<typeof EUREKA_DEFAULTS, EurekaArgs> {
    return resolveStatefulSetArgs(`Eureka "${name}" arguments`, validateEurekaArgs(name, args), EUREKA_DEFAULTS, args);
}

/** Eureka peer URLs (`http://<member>:<port>/eureka/`), one per replica, in ordinal order. */
export function eurekaPeerUrls(memberDnsNames: string[], port: number): string[] {
    return memberDnsNames.map((host) => `http://${host}:${port}/eureka/`);
}
