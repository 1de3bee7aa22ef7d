/**
 * Layer 1: Eureka. A StatefulSet behind a headless Service whose peer URL list is derived from
 * `replicas`: every member lists every member, so scaling is one value, never a hand-edited list.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Resolved, resolveArgs } from "./lib/resolve";
import { createAutoscaler, validateAutoscaling } from "./lib/autoscaling";
import { createNetworkPolicy, networkPolicyIngress, resolveNetworkPolicy, validateNetworkPolicyArgs } from "./lib/network";
import { StatefulSetSystemArgs } from "./lib/types";
import { ArgProblem, checkInteger, checkReplicaCeiling, checkReplicas, checkBoolean, isObject } from "./lib/validation";
import {
    childOptions,
    createWorkload,
    dependingOn,
    resolveMonitoring,
    resolveResources,
    resolveScheduling,
    validateSharedArgs,
    WORKLOAD_DEFAULTS,
    workloadNames,
} from "./lib/workload";
import { createAlertsAndDashboard } from "./lib/dashboards";
import { eurekaAlerts } from "./alerts/eureka";

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

/** Eureka peer URLs (`http://<member>:<port>/eureka/`), one per replica, in ordinal order. */
export function eurekaPeerUrls(memberDnsNames: string[], port: number): string[] {
    return memberDnsNames.map((host) => `http://${host}:${port}/eureka/`);
}

/** {@link EurekaArgs} validated, with every default applied; throws an ArgsError naming every problem. */
export function resolveEurekaArgs(name: string, args: EurekaArgs): Resolved<typeof EUREKA_DEFAULTS, EurekaArgs> {
    return resolveArgs(`Eureka "${name}" arguments`, validateEurekaArgs(name, args), EUREKA_DEFAULTS, args);
}

/**
 * A peer-aware Eureka server cluster: StatefulSet + headless Service, with
 * `eureka.client.serviceUrl.defaultZone` derived from `replicas`.
 */
export class Eureka extends pulumi.ComponentResource {
    /** Number of Eureka servers the update deploys (with an autoscaler: at creation). */
    public readonly replicas: number;
    /** Name of the StatefulSet. */
    public readonly statefulSetName: pulumi.Output<string>;
    /** Name of the headless (peer-discovery) Service. */
    public readonly headlessServiceName: pulumi.Output<string>;
    /** Name of the client Service. */
    public readonly clientServiceName: pulumi.Output<string>;
    /** In-cluster DNS name of every member (of every possible member, up to `maxReplicas`, when autoscaled). */
    public readonly memberDnsNames: pulumi.Output<string[]>;
    /** The peer URL list every member is configured with (`defaultZone`): one URL per member, or per possible member when autoscaled. */
    public readonly peerUrls: pulumi.Output<string[]>;
    /** The URL clients register with: the client Service's `/eureka/` endpoint. */
    public readonly clientEndpoint: pulumi.Output<string>;
    /** The StatefulSet. */
    public readonly statefulSet: k8s.apps.v1.StatefulSet;

    /**
     * @param name Component name; also the name of the StatefulSet and client Service.
     * @param args See {@link EurekaArgs}.
     * @param opts Resource options; `dependsOn` also orders the children.
     */
    constructor(name: string, args: EurekaArgs, opts?: pulumi.ComponentResourceOptions) {
        const resolved = resolveEurekaArgs(name, args);
        super("stateful-k8s:index:Eureka", name, {}, opts);
        this.replicas = resolved.replicas;

        const replicas = args.replicas ?? EUREKA_DEFAULTS.replicas;
        const port = args.port ?? EUREKA_DEFAULTS.port;
        // With an autoscaler, every possible member is a peer: the list must not depend on the live count.
        const peers = args.autoscaling?.maxReplicas ?? replicas;
        const names = workloadNames(
            name,
            args.namespace ?? EUREKA_DEFAULTS.namespace,
            peers,
            args.clusterDomain ?? EUREKA_DEFAULTS.clusterDomain,
        );
        const peerUrls = eurekaPeerUrls(names.members, port);
        // SPRING_APPLICATION_JSON keeps the camel-case map key `defaultZone` that Eureka looks up
        // (an environment variable would be lower-cased by Spring's relaxed binding).
        const springJson = JSON.stringify({ eureka: { client: { serviceUrl: { defaultZone: peerUrls.join(",") } } } });
        const prometheus = args.prometheusMetrics ?? EUREKA_DEFAULTS.prometheusMetrics;
        const monitoring = resolveMonitoring(args.monitoring);
        const s = EUREKA_SERVER_DEFAULTS;
        const ports = [{ name: "http", port, peer: true, client: true }];

        const workload = createWorkload(
            this,
            name,
            {
                system: "eureka",
                names,
                replicas,
                image: args.image ?? EUREKA_DEFAULTS.image,
                podManagementPolicy: "Parallel",
                ports,
                metrics: { portName: "http", port, path: "/actuator/prometheus" },
                // Scrape only what the image serves.
                monitoring: prometheus ? monitoring : { ...monitoring, scrapeAnnotations: false, serviceMonitor: false },
                env: {
                    POD_NAME: { fieldRef: { fieldPath: "metadata.name" } },
                    SERVER_PORT: String(port),
                    EUREKA_INSTANCE_HOSTNAME: `$(POD_NAME)${names.memberSuffix}`,
                    EUREKA_INSTANCE_PREFER_IP_ADDRESS: "false",
                    EUREKA_CLIENT_REGISTER_WITH_EUREKA: "true",
                    EUREKA_CLIENT_FETCH_REGISTRY: "true",
                    EUREKA_SERVER_PEER_EUREKA_NODES_UPDATE_INTERVAL_MS: String(
                        args.peerNodesUpdateIntervalMs ?? EUREKA_DEFAULTS.peerNodesUpdateIntervalMs,
                    ),
                    EUREKA_SERVER_ENABLE_SELF_PRESERVATION: String(args.selfPreservation ?? EUREKA_DEFAULTS.selfPreservation),
                    // The image's application.properties is for local development (1 s eviction and cache
                    // intervals, no wait when the first sync is empty, TRACE logging); environment
                    // variables outrank it, so these restore Spring Cloud Netflix's defaults. A lone
                    // server has no peer to sync from, so it does not wait for one.
                    EUREKA_SERVER_EVICTION_INTERVAL_TIMER_IN_MS: String(s.evictionIntervalTimerInMs),
                    EUREKA_SERVER_RESPONSE_CACHE_UPDATE_INTERVAL_MS: String(s.responseCacheUpdateIntervalMs),
                    EUREKA_SERVER_WAIT_TIME_IN_MS_WHEN_SYNC_EMPTY: String(peers === 1 ? 0 : s.waitTimeInMsWhenSyncEmpty),
                    LOGGING_LEVEL_COM_NETFLIX_EUREKA: s.logLevel,
                    EUREKA_SERVER_METRICS_ENABLED: String(prometheus),
                    MANAGEMENT_ENDPOINTS_WEB_EXPOSURE_INCLUDE: prometheus ? "health,info,prometheus" : "health,info",
                    MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED: "true",
                    SPRING_APPLICATION_JSON: springJson,
                },
                readinessProbe: { httpGet: { path: "/actuator/health/readiness", port: "http" }, periodSeconds: 10, failureThreshold: 3 },
                livenessProbe: { httpGet: { path: "/actuator/health/liveness", port: "http" }, periodSeconds: 20, failureThreshold: 3 },
                startupProbe: { httpGet: { path: "/actuator/health/liveness", port: "http" }, periodSeconds: 5, failureThreshold: 36 },
                // The JVM and Tomcat write only to /tmp: the rest of the file system is read-only.
                volumes: [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }],
                volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                readOnlyRootFilesystem: true,
                runAsUser: args.runAsUser ?? EUREKA_DEFAULTS.runAsUser,
                terminationGracePeriodSeconds: 30,
                resources: resolveResources(args.resources, EUREKA_DEFAULTS.resources),
                scheduling: resolveScheduling(args.scheduling),
                autoscaled: args.autoscaling !== undefined,
            },
            opts,
        );
        if (args.autoscaling !== undefined) {
            createAutoscaler(
                `${name}-hpa`,
                { name, namespace: names.namespace, labels: { "app.kubernetes.io/name": "eureka", "app.kubernetes.io/instance": name } },
                { apiVersion: "apps/v1", kind: "StatefulSet", name: workload.statefulSet.metadata.name },
                args.autoscaling,
                dependingOn(childOptions(this, opts), [workload.statefulSet]),
            );
        }

        const np = resolveNetworkPolicy(args.networkPolicy, names.namespace);
        if (np.enabled) {
            // The metrics port is the client port: the monitoring namespace is admitted on it only when it is scraped.
            const ingress = networkPolicyIngress(workload.selectorLabels, ports, undefined, np);
            if (prometheus && (monitoring.scrapeAnnotations || monitoring.serviceMonitor)) {
                ingress.push(...networkPolicyIngress(workload.selectorLabels, [], port, np));
            }
            createNetworkPolicy(
                `${name}-netpol`,
                { name, namespace: names.namespace },
                workload.selectorLabels,
                ingress,
                childOptions(this, opts),
            );
        }

        const scraped = prometheus && monitoring.serviceMonitor;
        const alerts = eurekaAlerts({ namespace: names.namespace, statefulSet: name, scraped });
        createAlertsAndDashboard(
            name,
            { name, namespace: names.namespace, labels: workload.selectorLabels },
            "Eureka",
            alerts,
            monitoring,
            childOptions(this, opts),
        );

        this.statefulSet = workload.statefulSet;
        this.statefulSetName = workload.statefulSet.metadata.name;
        this.headlessServiceName = workload.headlessService.metadata.name;
        this.clientServiceName = workload.clientService.metadata.name;
        this.memberDnsNames = pulumi.output(names.members);
        this.peerUrls = pulumi.output(peerUrls);
        this.clientEndpoint = pulumi.output(`http://${names.clientHost}:${port}/eureka/`);
        this.registerOutputs({
            replicas: this.replicas,
            statefulSetName: this.statefulSetName,
            headlessServiceName: this.headlessServiceName,
            clientServiceName: this.clientServiceName,
            memberDnsNames: this.memberDnsNames,
            peerUrls: this.peerUrls,
            clientEndpoint: this.clientEndpoint,
            statefulSet: this.statefulSet,
        });
    }
}
