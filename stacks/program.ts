/**
 * The Pulumi program of every stack: read and validate the stack's config, then deploy the systems it
 * enables. Nothing is registered with Kubernetes until the whole config has been validated.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EUREKA_DEFAULTS, Eureka } from "../components/eureka";
import { NACOS_DEFAULTS, Nacos } from "../components/nacos";
import { KAFKA_DEFAULTS, Kafka } from "../components/kafka";
import { RABBITMQ_DEFAULTS, RabbitMQ } from "../components/rabbitmq";
import { REDIS_DEFAULTS, Redis } from "../components/redis";
import { TIDB_DEFAULTS, TiDB } from "../components/tidb";
import { PROJECT, SECRET_KEYS, SYSTEMS, StackSettings, SystemName, parseStackConfig, withValueAt } from "./config";

/**
 * Replica counts the stack deployed last time, read from its own previous outputs (`replicas`)
 * through a StackReference to itself; empty on the first deployment.
 */
export async function deployedReplicas(): Promise<Record<string, number>> {
    const self = new pulumi.StackReference(`${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`);
    const details = await self.getOutputDetails("replicas");
    const value = details.value ?? details.secretValue;
    return typeof value === "object" && value !== null ? (value as Record<string, number>) : {};
}

/**
 * Deploys the stack; the returned object becomes the stack's outputs.
 * @param extra Resource options added to every component (tests pass transformations that record options).
 */
export async function deployStack(extra: pulumi.ComponentResourceOptions = {}): Promise<Record<string, unknown>> {
    const settings: StackSettings = parseStackConfig(pulumi.runtime.allConfig());
    const config = new pulumi.Config(PROJECT);
    const secret = (key: string) => config.requireSecret(key);
    /** `args` with the secrets of `system`'s nested arg paths (backup.storage.accessKeyId, ...) where their group is set. */
    const withNestedSecrets = <T extends object>(system: SystemName, args: T): T => {
        let out = args as Record<string, unknown>;
        for (const [argPath, key] of Object.entries(SECRET_KEYS[system]).filter(([p]) => p.includes("."))) {
            const parent = argPath
                .split(".")
                .slice(0, -1)
                .reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], out);
            if (typeof parent === "object" && parent !== null) out = withValueAt(out, argPath, secret(key));
        }
        return out as T;
    };
    // What the last update deployed: components check changes against it, and the stack warns about edits
    // that an autoscaler makes void.
    const previous = SYSTEMS.some((s) => settings[s] !== undefined) ? await deployedReplicas() : {};

    const namespaces = new Map<string, k8s.core.v1.Namespace>();
    const namespaceOf = (name: string): pulumi.ComponentResourceOptions => {
        if (!settings.createNamespaces) return {};
        let ns = namespaces.get(name);
        if (ns === undefined) {
            // Retained on destroy: deleting a namespace deletes every claim in it, and claims outlive the stack.
            ns = new k8s.core.v1.Namespace(
                `ns-${name}`,
                {
                    metadata: {
                        name,
                        labels: { "app.kubernetes.io/part-of": "stateful-k8s", "stateful-k8s.io/environment": settings.environment },
                    },
                },
                { retainOnDelete: true },
            );
            namespaces.set(name, ns);
        }
        return { dependsOn: [ns] };
    };
    // Production stacks protect every component, and so every child: pulumi destroy cannot delete data.
    const componentOptions = (name: string): pulumi.ComponentResourceOptions => ({
        ...extra,
        ...namespaceOf(name),
        protect: settings.production,
    });

    const outputs: Record<string, unknown> = { environment: settings.environment };
    const replicas: Record<string, number> = {};

    if (settings.eureka !== undefined) {
        const args = settings.eureka;
        const eureka = new Eureka("eureka", args, componentOptions(args.namespace ?? settings.namespace));
        outputs.eureka = { peerUrls: eureka.peerUrls, clientEndpoint: eureka.clientEndpoint, statefulSet: eureka.statefulSetName };
        replicas.eureka = args.replicas ?? EUREKA_DEFAULTS.replicas;
    }
    if (settings.nacos !== undefined) {
        const args = withNestedSecrets("nacos", settings.nacos);
        const mysql = args.mysql === undefined ? undefined : { ...args.mysql, password: secret(SECRET_KEYS.nacos["mysql.password"]) };
        const nacos = new Nacos(
            "nacos",
            {
                ...args,
                mysql,
                authToken: secret(SECRET_KEYS.nacos.authToken),
                identityValue: secret(SECRET_KEYS.nacos.identityValue),
                adminPassword: secret(SECRET_KEYS.nacos.adminPassword),
                currentReplicas: previous.nacos,
            },
            componentOptions(args.namespace ?? settings.namespace),
        );
        outputs.nacos = { clusterMembers: nacos.clusterMembers, clientEndpoint: nacos.clientEndpoint, statefulSet: nacos.statefulSetName };
        replicas.nacos = args.replicas ?? NACOS_DEFAULTS.replicas;
    }
    if (settings.rabbitmq !== undefined) {
        const args = withNestedSecrets("rabbitmq", settings.rabbitmq);
        const rabbitmq = new RabbitMQ(
            "rabbitmq",
            {
                ...args,
                erlangCookie: secret(SECRET_KEYS.rabbitmq.erlangCookie),
                defaultPassword: secret(SECRET_KEYS.rabbitmq.defaultPassword),
                currentReplicas: previous.rabbitmq,
            },
            componentOptions(args.namespace ?? settings.namespace),
        );
        outputs.rabbitmq = {
            nodeNames: rabbitmq.nodeNames,
            amqpEndpoint: rabbitmq.amqpEndpoint,
            managementEndpoint: rabbitmq.managementEndpoint,
            statefulSet: rabbitmq.statefulSetName,
            secretName: rabbitmq.secretName,
        };
        replicas.rabbitmq = args.replicas ?? RABBITMQ_DEFAULTS.replicas;
    }
    if (settings.redis !== undefined) {
        const args = withNestedSecrets("redis", settings.redis);
        const redis = new Redis(
            "redis",
            {
                ...args,
                password: secret(SECRET_KEYS.redis.password),
                currentReplicas: previous.redis,
                currentSentinels: previous.redisSentinels,
            },
            componentOptions(args.namespace ?? settings.namespace),
        );
        outputs.redis = {
            sentinelEndpoint: redis.sentinelEndpoint,
            masterName: redis.masterName,
            memberDnsNames: redis.memberDnsNames,
            statefulSet: redis.statefulSetName,
            secretName: redis.secretName,
        };
        replicas.redis = args.replicas ?? REDIS_DEFAULTS.replicas;
        replicas.redisSentinels = args.sentinels ?? REDIS_DEFAULTS.sentinels;
    }
    if (settings.kafka !== undefined) {
        const args = settings.kafka;
        const kafka = new Kafka(
            "kafka",
            { ...args, currentControllers: previous.kafkaControllers },
            componentOptions(args.namespace ?? settings.namespace),
        );
        outputs.kafka = {
            bootstrapServers: kafka.bootstrapServers,
            tlsBootstrapServers: kafka.tlsBootstrapServers,
            brokerPool: kafka.brokerPoolName,
            replicationFactor: kafka.replicationFactor,
        };
        replicas.kafka = args.replicas ?? KAFKA_DEFAULTS.replicas;
        replicas.kafkaControllers = args.controllers ?? KAFKA_DEFAULTS.controllers;
    }
    if (settings.tidb !== undefined) {
        const args = withNestedSecrets("tidb", settings.tidb);
        const tidb = new TiDB("tidb", args, componentOptions(args.namespace ?? settings.namespace));
        outputs.tidb = {
            cluster: tidb.clusterName,
            pdGroup: tidb.pdGroupName,
            tikvGroup: tidb.tikvGroupName,
            tidbGroup: tidb.tidbGroupName,
        };
        replicas.tidb = args.replicas ?? TIDB_DEFAULTS.replicas;
    }
    warnAboutVoidReplicaEdits(settings, replicas, previous);
    outputs.replicas = replicas;
    return outputs;
}

/**
 * The message for a `replicas` edit that cannot take effect because an autoscaler owns the count
 * (Pulumi sets `replicas` only at creation, then leaves the field to the HPA); undefined when the edit is
 * effective or there is no edit.
 */
export function voidReplicaEdit(system: string, configured: number, deployed: number | undefined): string | undefined {
    if (deployed === undefined || configured === deployed) return undefined;
    return (
        `${system}.replicas: changed from ${deployed} to ${configured}, which has no effect: ` +
        `${system}.autoscaling is set, so the HorizontalPodAutoscaler owns the replica count. ` +
        `Scale with ${system}.autoscaling.minReplicas and ${system}.autoscaling.maxReplicas ` +
        `(pulumi config set --path ${system}.autoscaling.minReplicas <n>).`
    );
}

/** Warns, at preview and update, about each autoscaled system whose `replicas` was edited. */
function warnAboutVoidReplicaEdits(settings: StackSettings, replicas: Record<string, number>, previous: Record<string, number>): void {
    for (const system of SYSTEMS) {
        const args = settings[system] as { autoscaling?: unknown } | undefined;
        if (args?.autoscaling === undefined) continue;
        const message = voidReplicaEdit(system, replicas[system], previous[system]);
        if (message !== undefined) pulumi.log.warn(message);
    }
}
