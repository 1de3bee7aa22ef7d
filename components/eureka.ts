/**
 * Layer 1: Eureka. A StatefulSet behind a headless Service whose peer URL list is derived from
 * `replicas`: every member lists every member, so scaling is one value, never a hand-edited list.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { eurekaAlerts } from "./alerts/eureka";
import { EUREKA_SERVER_DEFAULTS, EurekaArgs, eurekaPeerUrls, resolveEurekaArgs } from "./eureka/args";
import { createAutoscaler } from "./lib/autoscaling";
import { workloadNames } from "./lib/naming";
import { networkPolicyIngress } from "./lib/network";
import { childOptions, dependingOn } from "./lib/options";
import { createWorkloadExtras, sharedWorkloadSpec, StatefulSetOutputs, statefulSetOutputs } from "./lib/statefulset/component";
import { PodManagementPolicy } from "./lib/statefulset/spec";
import { createWorkload } from "./lib/statefulset/workload";

export * from "./eureka/args";

/**
 * A peer-aware Eureka server cluster: StatefulSet + headless Service, with
 * `eureka.client.serviceUrl.defaultZone` derived from `replicas`.
 */
export class Eureka extends pulumi.ComponentResource implements StatefulSetOutputs {
    /** Number of Eureka servers the update deploys (with an autoscaler: at creation). */
    public readonly replicas: number;
    /** Name of the StatefulSet. */
    public readonly statefulSetName: pulumi.Output<string>;
    /** Name of the headless (peer-discovery) Service. */
    public readonly headlessServiceName: pulumi.Output<string>;
    /** Name of the client Service. */
    public readonly clientServiceName: pulumi.Output<string>;
    /** In-cluster DNS name of every member the StatefulSet may run, in ordinal order. */
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

        const { port, prometheusMetrics: prometheus, monitoring } = resolved;
        // With an autoscaler, every possible member is a peer: the list must not depend on the live count.
        const peers = resolved.autoscaling?.maxReplicas ?? resolved.replicas;
        const names = workloadNames(name, resolved.namespace, peers, resolved.clusterDomain);
        const peerUrls = eurekaPeerUrls(names.members, port);
        // SPRING_APPLICATION_JSON keeps the camel-case map key `defaultZone` that Eureka looks up
        // (an environment variable would be lower-cased by Spring's relaxed binding).
        const springJson = JSON.stringify({ eureka: { client: { serviceUrl: { defaultZone: peerUrls.join(",") } } } });
        const s = EUREKA_SERVER_DEFAULTS;
        const ports = [{ name: "http", port, peer: true, client: true }];
        const child = childOptions(this, opts);

        const workload = createWorkload(
            this,
            name,
            {
                ...sharedWorkloadSpec("eureka", resolved),
                podManagementPolicy: PodManagementPolicy.Parallel,
                ports,
                // Scrape only what the image serves.
                metrics: prometheus ? { portName: "http", port, path: "/actuator/prometheus", monitoring } : undefined,
                env: {
                    POD_NAME: { fieldRef: { fieldPath: "metadata.name" } },
                    SERVER_PORT: String(port),
                    EUREKA_INSTANCE_HOSTNAME: `$(POD_NAME)${names.memberSuffix}`,
                    EUREKA_INSTANCE_PREFER_IP_ADDRESS: "false",
                    EUREKA_CLIENT_REGISTER_WITH_EUREKA: "true",
                    EUREKA_CLIENT_FETCH_REGISTRY: "true",
                    EUREKA_SERVER_PEER_EUREKA_NODES_UPDATE_INTERVAL_MS: String(resolved.peerNodesUpdateIntervalMs),
                    EUREKA_SERVER_ENABLE_SELF_PRESERVATION: String(resolved.selfPreservation),
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
                runAsUser: resolved.runAsUser,
                terminationGracePeriodSeconds: 30,
                autoscaled: resolved.autoscaling !== undefined,
            },
            opts,
        );
        if (resolved.autoscaling !== undefined) {
            createAutoscaler(
                `${name}-hpa`,
                { name, namespace: names.namespace, labels: { "app.kubernetes.io/name": "eureka", "app.kubernetes.io/instance": name } },
                { apiVersion: "apps/v1", kind: "StatefulSet", name: workload.statefulSet.metadata.name },
                resolved.autoscaling,
                dependingOn(child, [workload.statefulSet]),
            );
        }

        const scraped = prometheus && monitoring.serviceMonitor;
        createWorkloadExtras(
            name,
            workload,
            resolved,
            {
                title: "Eureka",
                alerts: eurekaAlerts({ namespace: names.namespace, statefulSet: name, scraped }),
                // The metrics port is the client port: the monitoring namespace is admitted on it only when it is scraped.
                ingress: (np) => [
                    ...networkPolicyIngress(workload.selectorLabels, ports, undefined, np),
                    ...(prometheus && (monitoring.scrapeAnnotations || monitoring.serviceMonitor)
                        ? networkPolicyIngress(workload.selectorLabels, [], port, np)
                        : []),
                ],
            },
            child,
        );

        const outputs = statefulSetOutputs(workload, names.members);
        this.statefulSet = outputs.statefulSet;
        this.statefulSetName = outputs.statefulSetName;
        this.headlessServiceName = outputs.headlessServiceName;
        this.clientServiceName = outputs.clientServiceName;
        this.memberDnsNames = outputs.memberDnsNames;
        this.peerUrls = pulumi.output(peerUrls);
        this.clientEndpoint = pulumi.output(`http://${names.clientHost}:${port}/eureka/`);
        this.registerOutputs({ replicas: this.replicas, ...outputs, peerUrls: this.peerUrls, clientEndpoint: this.clientEndpoint });
    }
}
