/**
 * What every Redis pod reads: the password Secret, the config ConfigMap (configuration files and
 * scripts) and the topology ConfigMap, with the environment and the volumes that reference them by
 * name. The scripts' side of this environment contract is described in redis/scripts/common.ts.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { configurationOptions } from "../lib/options";
import { checksum } from "../lib/pod";
import { REDIS_PORTS, ResolvedRedisArgs } from "./args";
import { REDIS_PATHS, renderRedisConf, renderSentinelGlobalConf, renderSentinelMasterConf, renderTopology } from "./config";
import { REDIS_HANDOVER_SCRIPT } from "./scripts/handover";
import { REDIS_NODE_SCRIPT, REDIS_PROBE_SCRIPT } from "./scripts/node";
import { SENTINEL_RESET_SCRIPT } from "./scripts/reset";
import { SENTINEL_SCRIPT } from "./scripts/sentinel";

/** A reference to a key of a Secret, as an environment variable's `valueFrom`. */
export type SecretRef = { secretKeyRef: { name: string; key: string } };

/** A pod field, as an environment variable's `valueFrom`. */
type FieldRef = { fieldRef: { fieldPath: string } };

/** The names of the volumes every Redis pod may mount. */
type ConfigVolume = "scripts" | "template" | "topology" | "run";

/** The Secret and ConfigMaps of a Redis, and how its pods reference them. */
export interface RedisConfiguration {
    /** The password Secret, the config ConfigMap and the topology ConfigMap. */
    secret: k8s.core.v1.Secret;
    config: k8s.core.v1.ConfigMap;
    topology: k8s.core.v1.ConfigMap;
    /** The three, in that order: what the pods' owners are ordered after (`dependsOn`). */
    objects: pulumi.Resource[];
    /** Checksum of the config ConfigMap's files and scripts (not of the topology), for the pod templates. */
    checksum: string;
    /** The password, by reference to the Secret. */
    password: SecretRef;
    /** The scripts' environment shared by the nodes, the sentinels and the Jobs: password, master name, ports, topology. */
    topologyEnv: Record<string, string | SecretRef>;
    /** The environment of a node or a sentinel whose stable names end in `memberSuffix`. */
    memberEnv(memberSuffix: string): Record<string, string | FieldRef>;
    /** The volumes, in the order the pods list them. */
    volumes: Record<ConfigVolume, k8s.types.input.core.v1.Volume>;
    /** Their mounts, in the same order. */
    mounts: Record<ConfigVolume, k8s.types.input.core.v1.VolumeMount>;
}

/** What the pods of a Redis (its nodes, its sentinels) are built from. */
export interface RedisPodsContext {
    /** The Redis component: the parent of every child. */
    parent: pulumi.ComponentResource;
    /** Its name. */
    name: string;
    /** Its arguments, resolved. */
    args: ResolvedRedisArgs;
    /** Its configuration. */
    cfg: RedisConfiguration;
    /** Its resource options; `dependsOn` also orders the children. */
    opts?: pulumi.ComponentResourceOptions;
}

/**
 * Creates the Secret `<name>-auth`, the ConfigMap `<name>-config` and the ConfigMap `<name>-topology`
 * listing `hosts` (every node's and every sentinel's stable name) and the quorum.
 */
export function createRedisConfiguration(
    name: string,
    r: ResolvedRedisArgs,
    hosts: { nodes: string[]; sentinels: string[] },
    opts: pulumi.CustomResourceOptions,
): RedisConfiguration {
    const namespace = r.namespace;
    const secret = new k8s.core.v1.Secret(
        `${name}-auth`,
        { metadata: { name: `${name}-auth`, namespace }, type: "Opaque", stringData: { password: pulumi.secret(r.password) } },
        configurationOptions(opts),
    );
    const files = {
        "redis.conf": renderRedisConf(r),
        "sentinel-global.conf": renderSentinelGlobalConf(),
        "sentinel-master.conf": renderSentinelMasterConf(r),
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
        configurationOptions(opts),
    );
    // Not in the checksum, not in any pod template: a scale edit changes only this ConfigMap.
    const topology = new k8s.core.v1.ConfigMap(
        `${name}-topology`,
        { metadata: { name: `${name}-topology`, namespace }, data: renderTopology(hosts.nodes, hosts.sentinels, r.quorum) },
        configurationOptions(opts),
    );

    const password = { secretKeyRef: { name: `${name}-auth`, key: "password" } };
    return {
        secret,
        config,
        topology,
        objects: [secret, config, topology],
        checksum: checksum(Object.values({ ...files, ...scripts }).join("\n")),
        password,
        topologyEnv: {
            REDIS_PASSWORD: password,
            MASTER_NAME: r.masterName,
            REDIS_PORT: String(REDIS_PORTS.redis),
            SENTINEL_PORT: String(REDIS_PORTS.sentinel),
            TOPOLOGY_DIR: REDIS_PATHS.topology,
            SEED_HOST: hosts.nodes[0],
        },
        memberEnv: (memberSuffix) => ({
            POD_NAME: { fieldRef: { fieldPath: "metadata.name" } },
            POD_IP: { fieldRef: { fieldPath: "status.podIP" } },
            SELF_HOST: `$(POD_NAME)${memberSuffix}`,
            CONFIG_DIR: REDIS_PATHS.run,
            CONFIG_TEMPLATE_DIR: REDIS_PATHS.template,
        }),
        volumes: {
            scripts: { name: "scripts", configMap: { name: `${name}-config`, defaultMode: 0o555 } },
            template: { name: "template", configMap: { name: `${name}-config` } },
            // A directory mount (never subPath), so the kubelet refreshes it in running pods.
            topology: { name: "topology", configMap: { name: `${name}-topology` } },
            run: { name: "run", emptyDir: { medium: "Memory", sizeLimit: "16Mi" } },
        },
        mounts: {
            scripts: { name: "scripts", mountPath: REDIS_PATHS.scripts },
            template: { name: "template", mountPath: REDIS_PATHS.template },
            topology: { name: "topology", mountPath: REDIS_PATHS.topology },
            run: { name: "run", mountPath: REDIS_PATHS.run },
        },
    };
}
