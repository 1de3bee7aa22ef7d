/**
 * Layer 4: Redis in sentinel mode, with the work an operator would do done by the component: a
 * StatefulSet of nodes (ordinal 0 is master on the first start; later every node asks the sentinels
 * for the current master and joins it, and a restarted master that the sentinels still name waits
 * until they have promoted a replica), a preStop hook that hands the master role over before a
 * planned stop, an odd number of sentinels that monitor the master by stable name, a redis_exporter
 * sidecar, PVCs, a topology ConfigMap that scale edits change instead of pod templates, and a
 * sentinel reset after every scale-in. Clients are sentinel-aware: no Service spreads them over nodes.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { redisAlerts } from "./alerts/redis";
import { createAlertsAndDashboard } from "./lib/dashboards";
import { workloadNames } from "./lib/naming";
import { resolveNetworkPolicy } from "./lib/network";
import { childOptions, configurationOptions, dependingOn } from "./lib/options";
import { checksum, containerSecurityContext, podPlacement } from "./lib/pod";
import { createRedisBackup, createRedisRestore } from "./lib/redis-backup";
import { CONTAINER_EPHEMERAL_STORAGE, helperResources, resolveResources, resourceRequirements } from "./lib/resources";
import { resolveMonitoring, resolveStorage } from "./lib/statefulset/args";
import { PodManagementPolicy } from "./lib/statefulset/spec";
import { resolveScheduling } from "./lib/scheduling";
import { createWorkload } from "./lib/statefulset/workload";
import { defaultQuorum, REDIS_DEFAULTS, REDIS_PORTS, RedisArgs, resolveRedisArgs } from "./redis/args";
import { REDIS_PATHS, renderRedisConf, renderSentinelGlobalConf, renderSentinelMasterConf, renderTopology } from "./redis/config";
import { createRedisNetworkPolicies } from "./redis/network";
import { createSentinelResetJob } from "./redis/reset-job";
import { REDIS_HANDOVER_SCRIPT } from "./redis/scripts/handover";
import { REDIS_NODE_SCRIPT, REDIS_PROBE_SCRIPT } from "./redis/scripts/node";
import { SENTINEL_RESET_SCRIPT } from "./redis/scripts/reset";
import { SENTINEL_SCRIPT } from "./redis/scripts/sentinel";

export * from "./redis/args";
export * from "./redis/config";

/**
 * Redis master/replicas with sentinels: a node StatefulSet with PVCs and an exporter sidecar, a
 * sentinel StatefulSet with a client Service on 26379, and a sentinel reset Job after a scale-in.
 */
export class Redis extends pulumi.ComponentResource {
    /** Number of Redis nodes the update deploys. */
    public readonly replicas: number;
    /** Number of sentinels the update deploys. */
    public readonly sentinels: number;
    /** Name of the nodes' StatefulSet. */
    public readonly statefulSetName: pulumi.Output<string>;
    /** Name of the nodes' headless Service. */
    public readonly headlessServiceName: pulumi.Output<string>;
    /** Name of the sentinels' StatefulSet. */
    public readonly sentinelStatefulSetName: pulumi.Output<string>;
    /** Name of the Service clients ask for the master (`SENTINEL get-master-addr-by-name`). */
    public readonly sentinelServiceName: pulumi.Output<string>;
    /** In-cluster DNS name of every node. */
    public readonly memberDnsNames: pulumi.Output<string[]>;
    /** In-cluster DNS name of every sentinel. */
    public readonly sentinelDnsNames: pulumi.Output<string[]>;
    /** Name of the master set. */
    public readonly masterName: pulumi.Output<string>;
    /** `<sentinel service>:26379`, what a sentinel-aware client is configured with. */
    public readonly sentinelEndpoint: pulumi.Output<string>;
    /** Name of the Secret holding the password (key `password`). */
    public readonly secretName: pulumi.Output<string>;
    /** The nodes' StatefulSet. */
    public readonly statefulSet: k8s.apps.v1.StatefulSet;

    /**
     * @param name Component name; the nodes' StatefulSet is `<name>`, the sentinels' `<name>-sentinel`.
     * @param args See {@link RedisArgs}.
     * @param opts Resource options; `dependsOn` also orders the children.
     */
    constructor(name: string, args: RedisArgs, opts?: pulumi.ComponentResourceOptions) {
        const resolved = resolveRedisArgs(name, args);
        super("stateful-k8s:index:Redis", name, {}, opts);
        this.replicas = resolved.replicas;
        this.sentinels = resolved.sentinels;

        const d = REDIS_DEFAULTS;
        const namespace = args.namespace ?? d.namespace;
        const replicas = args.replicas ?? d.replicas;
        const sentinels = args.sentinels ?? d.sentinels;
        const quorum = args.quorum ?? defaultQuorum(sentinels);
        const masterName = args.masterName ?? d.masterName;
        const image = args.image ?? d.image;
        const clusterDomain = args.clusterDomain ?? d.clusterDomain;
        const nodes = workloadNames(name, namespace, replicas, clusterDomain);
        const sentinelNames = workloadNames(`${name}-sentinel`, namespace, sentinels, clusterDomain);
        const child = childOptions(this, opts);

        const secret = new k8s.core.v1.Secret(
            `${name}-auth`,
            { metadata: { name: `${name}-auth`, namespace }, type: "Opaque", stringData: { password: pulumi.secret(args.password) } },
            configurationOptions(child),
        );
        const files = {
            "redis.conf": renderRedisConf(args.persistence ?? d.persistence, args.minReplicasToWrite ?? d.minReplicasToWrite),
            "sentinel-global.conf": renderSentinelGlobalConf(),
            "sentinel-master.conf": renderSentinelMasterConf(
                masterName,
                args.downAfterMilliseconds ?? d.downAfterMilliseconds,
                args.failoverTimeoutMilliseconds ?? d.failoverTimeoutMilliseconds,
                args.parallelSyncs ?? d.parallelSyncs,
            ),
        };
        const scripts = {
            "redis-node.sh": REDIS_NODE_SCRIPT,
            "redis-handover.sh": REDIS_HANDOVER_SCRIPT,
            "redis-probe.sh": REDIS_PROBE_SCRIPT,
            "sentinel.sh": SENTINEL_SCRIPT,
            "sentinel-reset.sh": SENTINEL_RESET_SCRIPT,
        };
        const config = new k8s.core.v1.ConfigMap(
            `${name}-config`,
            { metadata: { name: `${name}-config`, namespace }, data: { ...files, ...scripts } },
            configurationOptions(child),
        );
        const configChecksum = checksum(Object.values({ ...files, ...scripts }).join("\n"));
        // Not in the checksum, not in any pod template: a scale edit changes only this ConfigMap.
        const topologyMap = new k8s.core.v1.ConfigMap(
            `${name}-topology`,
            {
                metadata: { name: `${name}-topology`, namespace },
                data: renderTopology(nodes.members, sentinelNames.members, quorum),
            },
            configurationOptions(child),
        );

        // The environment contract of the scripts (see redis/scripts/common.ts).
        // Referenced by name, ordered by dependsOn (see configurationOptions): replacing one replaces no pod owner.
        const configured = dependingOn(opts ?? {}, [secret, config, topologyMap]);
        const password = { secretKeyRef: { name: `${name}-auth`, key: "password" } };
        const topology = {
            REDIS_PASSWORD: password,
            MASTER_NAME: masterName,
            REDIS_PORT: String(REDIS_PORTS.redis),
            SENTINEL_PORT: String(REDIS_PORTS.sentinel),
            TOPOLOGY_DIR: REDIS_PATHS.topology,
            SEED_HOST: nodes.members[0],
        };
        const member = (suffix: string) => ({
            POD_NAME: { fieldRef: { fieldPath: "metadata.name" } },
            POD_IP: { fieldRef: { fieldPath: "status.podIP" } },
            SELF_HOST: `$(POD_NAME)${suffix}`,
            CONFIG_DIR: REDIS_PATHS.run,
            CONFIG_TEMPLATE_DIR: REDIS_PATHS.template,
        });
        const configVolumes = [
            { name: "scripts", configMap: { name: `${name}-config`, defaultMode: 0o555 } },
            { name: "template", configMap: { name: `${name}-config` } },
            // A directory mount (never subPath), so the kubelet refreshes it in running pods.
            { name: "topology", configMap: { name: `${name}-topology` } },
            { name: "run", emptyDir: { medium: "Memory", sizeLimit: "16Mi" } },
        ];
        const configMounts = [
            { name: "scripts", mountPath: REDIS_PATHS.scripts },
            { name: "template", mountPath: REDIS_PATHS.template },
            { name: "topology", mountPath: REDIS_PATHS.topology },
            { name: "run", mountPath: REDIS_PATHS.run },
        ];
        const script = (file: string, ...argv: string[]) => ({ exec: { command: ["sh", `${REDIS_PATHS.scripts}/${file}`, ...argv] } });
        const sentinelPing = {
            exec: {
                command: [
                    "sh",
                    "-c",
                    `REDISCLI_AUTH="$REDIS_PASSWORD" timeout 3 redis-cli --no-auth-warning -h "$POD_IP" -p ${REDIS_PORTS.sentinel} ping | grep -qx PONG`,
                ],
            },
        };
        const exporterImage = args.exporterImage ?? d.exporterImage;
        const monitoring = resolveMonitoring(args.monitoring);
        const resources = resolveResources(args.resources, d.resources);
        const restore =
            args.restoreFrom === undefined
                ? undefined
                : createRedisRestore(
                      name,
                      namespace,
                      args.restoreFrom,
                      {
                          image,
                          persistence: args.persistence ?? d.persistence,
                          dataVolume: "data",
                          dataPath: REDIS_PATHS.data,
                          // The node's own, local storage included (converting to AOF loads the whole dataset).
                          resources: resourceRequirements({
                              ...resources,
                              ephemeralStorageRequest: resources.ephemeralStorageRequest ?? CONTAINER_EPHEMERAL_STORAGE,
                          }),
                      },
                      child,
                  );

        const workload = createWorkload(
            this,
            name,
            {
                system: "redis",
                namespace,
                clusterDomain,
                // The nodes' Service of the building block carries only the exporter's port, under `<name>-metrics`:
                // a Service spreading connections over the nodes would send writes to replicas. Clients are
                // sentinel-aware and ask `<name>-sentinel:26379` for the master.
                clientServiceName: `${name}-metrics`,
                // redis-server writes only to its data directory and /run/redis (the generated redis.conf).
                readOnlyRootFilesystem: true,
                replicas,
                image,
                podManagementPolicy: PodManagementPolicy.Parallel,
                ports: [
                    { name: "redis", port: REDIS_PORTS.redis, peer: true, client: false },
                    { name: "metrics", port: REDIS_PORTS.metrics, peer: false, client: true, sidecar: true },
                ],
                metrics: {
                    portName: "metrics",
                    port: REDIS_PORTS.metrics,
                    path: "/metrics",
                    monitoring: resolveMonitoring(args.monitoring),
                },
                env: {
                    ...member(nodes.memberSuffix),
                    ...topology,
                    DATA_DIR: REDIS_PATHS.data,
                    MASTER_WAIT_SECONDS: String(d.masterWaitSeconds),
                    HANDOVER_TIMEOUT_SECONDS: String(d.handoverTimeoutSeconds),
                },
                command: ["sh", `${REDIS_PATHS.scripts}/redis-node.sh`],
                // Ready: PONG, and master or a replica with its master link up. Alive: PONG or -LOADING, so a
                // node loading a large dataset is never killed; the startup budget covers the wait for the master.
                readinessProbe: { ...script("redis-probe.sh", "ready"), periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 2 },
                livenessProbe: { ...script("redis-probe.sh", "alive"), periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
                startupProbe: { ...script("redis-probe.sh", "alive"), periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 60 },
                preStop: ["sh", `${REDIS_PATHS.scripts}/redis-handover.sh`],
                dataVolume: { name: "data", mountPath: REDIS_PATHS.data, storage: resolveStorage(args.storage, d.storageSize) },
                volumes: [...configVolumes, ...(restore?.volumes ?? [])],
                volumeMounts: configMounts,
                initContainers: restore === undefined ? undefined : [restore.initContainer],
                sidecars: [
                    {
                        name: "exporter",
                        image: exporterImage,
                        imagePullPolicy: "IfNotPresent",
                        env: {
                            POD_IP: { fieldRef: { fieldPath: "status.podIP" } },
                            REDIS_ADDR: `redis://$(POD_IP):${REDIS_PORTS.redis}`,
                            REDIS_PASSWORD: password,
                        },
                        ports: { metrics: REDIS_PORTS.metrics },
                        resources: helperResources("25m", "32Mi", "64Mi"),
                        readinessProbe: { httpGet: { path: "/health", port: "metrics" }, periodSeconds: 10 },
                        // A static binary in a scratch image that writes no file.
                        securityContext: containerSecurityContext(true),
                    },
                ],
                runAsUser: d.runAsUser,
                terminationGracePeriodSeconds: d.handoverTimeoutSeconds + d.shutdownSeconds,
                podAnnotations: { "stateful-k8s.io/config-checksum": configChecksum },
                resources,
                scheduling: resolveScheduling(args.scheduling),
            },
            restore === undefined ? configured : dependingOn(configured, restore.dependencies),
        );

        const sentinel = createWorkload(
            this,
            `${name}-sentinel`,
            {
                system: "redis",
                component: "sentinel",
                namespace,
                clusterDomain,
                replicas: sentinels,
                image,
                podManagementPolicy: PodManagementPolicy.Parallel,
                ports: [{ name: "sentinel", port: REDIS_PORTS.sentinel, peer: true, client: true }],
                // The sentinels have no metrics endpoint of their own: the exporter on the nodes reports replication.
                env: { ...member(sentinelNames.memberSuffix), ...topology, RESOLVE_TIMEOUT_SECONDS: String(d.resolveTimeoutSeconds) },
                command: ["sh", `${REDIS_PATHS.scripts}/sentinel.sh`],
                // The sentinel writes only sentinel.conf (its CONFIG REWRITE included), in /run/redis.
                readOnlyRootFilesystem: true,
                readinessProbe: { ...sentinelPing, periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 3 },
                livenessProbe: { ...sentinelPing, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
                // Covers the wait for the master's name to resolve (RESOLVE_TIMEOUT_SECONDS) and more.
                startupProbe: { ...sentinelPing, periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 30 },
                volumes: configVolumes,
                volumeMounts: configMounts,
                runAsUser: d.runAsUser,
                terminationGracePeriodSeconds: 10,
                podAnnotations: { "stateful-k8s.io/config-checksum": configChecksum },
                resources: resolveResources(args.sentinelResources, d.sentinelResources),
                scheduling: { ...resolveScheduling(args.scheduling), maxUnavailable: 1 },
                quorum: true,
            },
            configured,
        );

        const scaledIn =
            (args.currentReplicas !== undefined && args.currentReplicas > replicas) ||
            (args.currentSentinels !== undefined && args.currentSentinels > sentinels);
        if (scaledIn) {
            // Sentinels never forget members they have seen; after the StatefulSets shrank, reset them one at a time.
            createSentinelResetJob(
                {
                    name,
                    namespace,
                    image,
                    replicas,
                    sentinels,
                    topology,
                    scheduling: resolveScheduling(args.scheduling),
                    volumes: [configVolumes[0], configVolumes[2]],
                },
                dependingOn(child, [workload.statefulSet, sentinel.statefulSet, secret, config, topologyMap]),
            );
        }

        if (args.backup !== undefined) {
            createRedisBackup(
                name,
                namespace,
                args.backup,
                {
                    image,
                    runAsUser: d.runAsUser,
                    topologyEnv: topology,
                    topologyVolume: configVolumes[2],
                    topologyMount: configMounts[2],
                    placement: podPlacement(resolveScheduling(args.scheduling)),
                },
                dependingOn(child, [secret, topologyMap]),
            );
        }

        createRedisNetworkPolicies(
            { name, namespace, np: resolveNetworkPolicy(args.networkPolicy, namespace), backup: args.backup !== undefined },
            { nodes: workload.selectorLabels, sentinels: sentinel.selectorLabels },
            child,
        );

        const scope = {
            namespace,
            statefulSet: name,
            sentinelStatefulSet: sentinel.names.statefulSet,
            metricsService: workload.names.clientService,
        };
        createAlertsAndDashboard(
            name,
            { name, namespace, labels: workload.selectorLabels },
            "Redis",
            redisAlerts(scope),
            monitoring,
            child,
        );

        this.statefulSet = workload.statefulSet;
        this.statefulSetName = workload.statefulSet.metadata.name;
        this.headlessServiceName = workload.headlessService.metadata.name;
        this.sentinelStatefulSetName = sentinel.statefulSet.metadata.name;
        this.sentinelServiceName = sentinel.clientService.metadata.name;
        this.memberDnsNames = pulumi.output(nodes.members);
        this.sentinelDnsNames = pulumi.output(sentinelNames.members);
        this.masterName = pulumi.output(masterName);
        this.sentinelEndpoint = pulumi.output(`${sentinelNames.clientHost}:${REDIS_PORTS.sentinel}`);
        this.secretName = secret.metadata.name;
        this.registerOutputs({
            replicas: this.replicas,
            sentinels: this.sentinels,
            statefulSetName: this.statefulSetName,
            headlessServiceName: this.headlessServiceName,
            sentinelStatefulSetName: this.sentinelStatefulSetName,
            sentinelServiceName: this.sentinelServiceName,
            memberDnsNames: this.memberDnsNames,
            sentinelDnsNames: this.sentinelDnsNames,
            masterName: this.masterName,
            sentinelEndpoint: this.sentinelEndpoint,
            secretName: this.secretName,
            statefulSet: this.statefulSet,
        });
    }
}
