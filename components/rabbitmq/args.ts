/** The arguments of the RabbitMQ component: their documentation, defaults, ports, plugins and validation. */
import * as pulumi from "@pulumi/pulumi";
import { refuseAutoscaling } from "../lib/autoscaling";
import { RabbitMQBackupArgs, RabbitMQRestoreArgs, validateRabbitMQBackupArgs } from "./backup";
import { WORKLOAD_DEFAULTS } from "../lib/naming";
import { validateNetworkPolicyArgs } from "../lib/network";
import { ResolvedPersistentArgs, resolvePersistentArgs, validateSharedArgs } from "../lib/statefulset/args";
import { PersistentSystemArgs } from "../lib/types";
import { ArgProblem, checkBoolean, checkInteger, checkPresent, checkReplicas } from "../lib/validation";

/** Arguments of {@link RabbitMQ}. */
export interface RabbitMQArgs extends PersistentSystemArgs {
    /**
     * Number of RabbitMQ nodes; odd, so that quorum queues keep a majority. Never autoscaled
     * (`autoscaling` is refused): a scale-in does not remove nodes from the cluster or their quorum-queue
     * replicas, and adding brokers does not speed up existing queues. Scale consumers instead (KEDA).
     * @default 3
     */
    replicas?: number;
    /**
     * Replica count currently deployed, when known. Any scale-in below it is refused unless
     * `allowUnsafeScaleIn` is set: shrinking the StatefulSet does not remove members from the cluster,
     * nor their quorum-queue replicas.
     * @default - unknown: no scale-in check
     */
    currentReplicas?: number;
    /**
     * Allows a scale-in. Before lowering `replicas`, drain the highest-ordinal nodes, shrink quorum
     * queues off them (`rabbitmq-queues shrink`) and `rabbitmqctl forget_cluster_node` them.
     * @default false
     */
    allowUnsafeScaleIn?: boolean;
    /** Erlang distribution cookie shared by all nodes. Pass a Pulumi secret. */
    erlangCookie: pulumi.Input<string>;
    /**
     * Name of the administrator created on first boot.
     * @default "admin"
     */
    defaultUser?: string;
    /** Password of that administrator. Pass a Pulumi secret. */
    defaultPassword: pulumi.Input<string>;
    /**
     * Target replica count of quorum queues; continuous membership reconciliation grows queues to it
     * as nodes join. Pinning it (for example to 3) avoids a rolling restart on every scale.
     * @default - equal to `replicas`
     */
    quorumQueueTargetGroupSize?: number;
    /**
     * Seconds a node has to shut down cleanly; the preStop hook waits for quorum queues to keep a
     * majority without it (`rabbitmq-upgrade await_online_quorum_plus_one`) and drains it.
     * @default 600
     */
    terminationGracePeriodSeconds?: number;
    /**
     * Scheduled exports of the definitions (users, vhosts, queues, exchanges, bindings, policies) to an
     * S3-compatible bucket. Messages are not backed up. See docs/backup.md.
     * @default - no backups
     */
    backup?: RabbitMQBackupArgs;
    /**
     * Imports an export's definitions when the nodes boot (a new cluster's restore).
     * @default - no import
     */
    restore?: RabbitMQRestoreArgs;
}

/** Defaults of {@link RabbitMQArgs}. */
export const RABBITMQ_DEFAULTS = {
    namespace: WORKLOAD_DEFAULTS.namespace,
    replicas: 3,
    allowUnsafeScaleIn: false,
    image: "rabbitmq:4.1.4-management",
    defaultUser: "admin",
    terminationGracePeriodSeconds: 600,
    storageSize: "10Gi",
    clusterDomain: WORKLOAD_DEFAULTS.clusterDomain,
    resources: { cpuRequest: "500m", memoryRequest: "1Gi" },
} as const;

/**
 * Settings of the pods that are not arguments. The resolver adds them after the args, so an argument
 * object cannot override them.
 */
export const RABBITMQ_FIXED = {
    /** The rabbitmq image's user. */
    runAsUser: 999,
} as const;

/** RabbitMQ's ports. */
export const RABBITMQ_PORTS = { amqp: 5672, management: 15672, prometheus: 15692, epmd: 4369, clusterRpc: 25672 } as const;

/** Plugins every node runs. */
export const RABBITMQ_PLUGINS = ["rabbitmq_peer_discovery_k8s", "rabbitmq_prometheus", "rabbitmq_management"] as const;

/** Returns every problem with the arguments of a RabbitMQ component named `name`. */
export function validateRabbitMQArgs(name: string, args: RabbitMQArgs): ArgProblem[] {
    const problems: ArgProblem[] = [];
    const replicas = args.replicas ?? RABBITMQ_DEFAULTS.replicas;
    checkReplicas(problems, "replicas", replicas, "odd");
    checkBoolean(problems, "allowUnsafeScaleIn", args.allowUnsafeScaleIn);
    if (args.currentReplicas !== undefined && checkInteger(problems, "currentReplicas", args.currentReplicas, 0)) {
        const allow = args.allowUnsafeScaleIn ?? RABBITMQ_DEFAULTS.allowUnsafeScaleIn;
        if (typeof replicas === "number" && replicas < args.currentReplicas && !allow) {
            problems.push({
                path: "replicas",
                value: replicas,
                allowed: `at least ${args.currentReplicas} (the deployed count): RabbitMQ cannot remove members by shrinking the StatefulSet. Drain the nodes, shrink quorum queues off them and forget_cluster_node them, then set allowUnsafeScaleIn: true`,
            });
        }
    }
    checkPresent(problems, "erlangCookie", args.erlangCookie, "a non-empty secret");
    checkPresent(problems, "defaultPassword", args.defaultPassword, "a non-empty secret");
    if (args.defaultUser !== undefined && (typeof args.defaultUser !== "string" || !/^[A-Za-z0-9_.-]+$/.test(args.defaultUser))) {
        problems.push({ path: "defaultUser", value: args.defaultUser, allowed: "letters, digits, '_', '.' and '-'" });
    }
    if (args.quorumQueueTargetGroupSize !== undefined)
        checkInteger(problems, "quorumQueueTargetGroupSize", args.quorumQueueTargetGroupSize, 1);
    if (args.terminationGracePeriodSeconds !== undefined)
        checkInteger(problems, "terminationGracePeriodSeconds", args.terminationGracePeriodSeconds, 120);
    refuseAutoscaling(
        problems,
        "autoscaling",
        args.autoscaling,
        "RabbitMQ",
        "a scale-in leaves the removed nodes in the cluster with their quorum-queue replicas, and more brokers do not speed up existing queues (autoscale consumers instead)",
    );
    validateNetworkPolicyArgs(problems, "networkPolicy", args.networkPolicy);
    validateRabbitMQBackupArgs(problems, args.backup, args.restore);
    validateSharedArgs(problems, name, args, typeof replicas === "number" ? replicas : 1, true);
    return problems;
}

/** {@link RabbitMQArgs} validated, with every default applied; throws an ArgsError naming every problem. */
export function resolveRabbitMQArgs(
    name: string,
    args: RabbitMQArgs,
): ResolvedPersistentArgs<typeof RABBITMQ_DEFAULTS, RabbitMQArgs> & typeof RABBITMQ_FIXED & { quorumQueueTargetGroupSize: number } {
    const resolved = resolvePersistentArgs(`RabbitMQ "${name}" arguments`, validateRabbitMQArgs(name, args), RABBITMQ_DEFAULTS, args);
    return { ...resolved, ...RABBITMQ_FIXED, quorumQueueTargetGroupSize: resolved.quorumQueueTargetGroupSize ?? resolved.replicas };
}
