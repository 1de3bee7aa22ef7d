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
import { childOptions, dependingOn } from "./lib/options";
import { podPlacement } from "./lib/pod";
import { createRedisBackup } from "./redis/backup-job";
import { REDIS_PORTS, RedisArgs, resolveRedisArgs } from "./redis/args";
import { createRedisConfiguration } from "./redis/configuration";
import { createRedisNetworkPolicies } from "./redis/network";
import { createRedisNodes } from "./redis/nodes";
import { createSentinelResetJob } from "./redis/reset-job";
import { createRedisSentinels } from "./redis/sentinels";

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
        const r = resolveRedisArgs(name, args);
        super("stateful-k8s:index:Redis", name, {}, opts);
        this.replicas = r.replicas;
        this.sentinels = r.sentinels;

        const namespace = r.namespace;
        const nodes = workloadNames(name, namespace, r.replicas, r.clusterDomain);
        const sentinelNames = workloadNames(`${name}-sentinel`, namespace, r.sentinels, r.clusterDomain);
        const child = childOptions(this, opts);

        // Referenced by name, ordered by dependsOn (see configurationOptions): replacing one replaces no pod owner.
        const cfg = createRedisConfiguration(name, r, { nodes: nodes.members, sentinels: sentinelNames.members }, child);
        const pods = { parent: this, name, args: r, cfg, opts };
        const workload = createRedisNodes(pods, nodes.memberSuffix);
        const sentinel = createRedisSentinels(pods, sentinelNames.memberSuffix);

        const scaledIn =
            (r.currentReplicas !== undefined && r.currentReplicas > r.replicas) ||
            (r.currentSentinels !== undefined && r.currentSentinels > r.sentinels);
        if (scaledIn) {
            // Sentinels never forget members they have seen; after the StatefulSets shrank, reset them one at a time.
            createSentinelResetJob(
                {
                    name,
                    namespace,
                    image: r.image,
                    replicas: r.replicas,
                    sentinels: r.sentinels,
                    timeoutSeconds: r.resetTimeoutSeconds,
                    runAsUser: r.runAsUser,
                    topology: cfg.topologyEnv,
                    scheduling: r.scheduling,
                    volumes: [cfg.volumes.scripts, cfg.volumes.topology],
                },
                dependingOn(child, [workload.statefulSet, sentinel.statefulSet, ...cfg.objects]),
            );
        }

        if (r.backup !== undefined) {
            createRedisBackup(
                name,
                namespace,
                r.backup,
                {
                    runAsUser: r.runAsUser,
                    topologyEnv: cfg.topologyEnv,
                    topologyVolume: cfg.volumes.topology,
                    topologyMount: cfg.mounts.topology,
                    placement: podPlacement(r.scheduling),
                },
                dependingOn(child, [cfg.secret, cfg.topology]),
            );
        }

        createRedisNetworkPolicies(
            { name, namespace, np: r.networkPolicy, backup: r.backup !== undefined },
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
            r.monitoring,
            child,
        );

        this.statefulSet = workload.statefulSet;
        this.statefulSetName = workload.statefulSet.metadata.name;
        this.headlessServiceName = workload.headlessService.metadata.name;
        this.sentinelStatefulSetName = sentinel.statefulSet.metadata.name;
        this.sentinelServiceName = sentinel.clientService.metadata.name;
        this.memberDnsNames = pulumi.output(nodes.members);
        this.sentinelDnsNames = pulumi.output(sentinelNames.members);
        this.masterName = pulumi.output(r.masterName);
        this.sentinelEndpoint = pulumi.output(`${sentinelNames.clientHost}:${REDIS_PORTS.sentinel}`);
        this.secretName = cfg.secret.metadata.name;
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
