/**
 * Kafka disaster recovery: a Strimzi `KafkaMirrorMaker2` (`kafka.strimzi.io/v1`, 048-Crd-kafkamirrormaker2.yaml
 * at the pinned Strimzi commit) that copies topics, and optionally consumer-group offsets, from this cluster
 * to a second one. A single cluster's logs are not backed up: a mirror is the copy. Configuration follows
 * Strimzi's own examples (packaging/examples/mirror-maker/kafka-mirror-maker-2{,-sync-groups}.yaml).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { BACKUP_OF_LABEL } from "../lib/backup";
import { ArgProblem, checkBoolean, checkGroup, checkInteger, checkText } from "../lib/validation";
import { PACKAGE_LABELS } from "../lib/labels";

/** A continuous mirror of this Kafka cluster to a second cluster. */
export interface KafkaMirrorArgs {
    /** Bootstrap servers (plain listener) of the second cluster, such as "kafka-dr-kafka-bootstrap.dr.svc:9092". */
    targetBootstrapServers: string;
    /**
     * Name of the second cluster inside MirrorMaker 2.
     * @default "target"
     */
    targetAlias?: string;
    /**
     * Name of this cluster inside MirrorMaker 2; mirrored topics are named `<sourceAlias>.<topic>` on the target.
     * @default - the component's name
     */
    sourceAlias?: string;
    /**
     * Regular expression (or comma-separated list) of the topics mirrored.
     * @default ".*"
     */
    topicsPattern?: string;
    /**
     * Regular expression of the consumer groups whose offsets are checkpointed.
     * @default ".*"
     */
    groupsPattern?: string;
    /**
     * Writes the translated offsets of those groups into the target's `__consumer_offsets` (every 60 s),
     * so that consumers moved to the target resume close to where they stopped.
     * @default true
     */
    syncGroupOffsets?: boolean;
    /**
     * Connect workers running the mirror.
     * @default 1
     */
    replicas?: number;
    /**
     * Connector tasks copying topics (parallelism across partitions).
     * @default 2
     */
    tasksMax?: number;
}

/** Defaults of {@link KafkaMirrorArgs}. */
export const KAFKA_MIRROR_DEFAULTS = {
    targetAlias: "target",
    topicsPattern: ".*",
    groupsPattern: ".*",
    syncGroupOffsets: true,
    replicas: 1,
    tasksMax: 2,
} as const;

const ALIAS = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const BOOTSTRAP = /^[^\s,:]+:[0-9]{1,5}(,[^\s,:]+:[0-9]{1,5})*$/;

/** Adds every problem with the `mirror` argument of a Kafka component. */
export function validateKafkaMirrorArgs(problems: ArgProblem[], mirror: unknown): void {
    const keys = [
        "targetBootstrapServers",
        "targetAlias",
        "sourceAlias",
        "topicsPattern",
        "groupsPattern",
        "syncGroupOffsets",
        "replicas",
        "tasksMax",
    ];
    if (!checkGroup(problems, "mirror", mirror, keys)) return;
    if (typeof mirror.targetBootstrapServers !== "string" || !BOOTSTRAP.test(mirror.targetBootstrapServers)) {
        problems.push({
            path: "mirror.targetBootstrapServers",
            value: mirror.targetBootstrapServers,
            allowed: 'host:port pairs joined by ",", such as "kafka-dr-kafka-bootstrap.dr.svc:9092"',
        });
    }
    for (const key of ["targetAlias", "sourceAlias"] as const) {
        if (mirror[key] !== undefined && (typeof mirror[key] !== "string" || !ALIAS.test(mirror[key] as string))) {
            problems.push({ path: `mirror.${key}`, value: mirror[key], allowed: 'a short name of lower-case letters, digits and "-"' });
        }
    }
    if (mirror.sourceAlias !== undefined && mirror.sourceAlias === (mirror.targetAlias ?? KAFKA_MIRROR_DEFAULTS.targetAlias)) {
        problems.push({ path: "mirror.sourceAlias", value: mirror.sourceAlias, allowed: "a name different from targetAlias" });
    }
    for (const key of ["topicsPattern", "groupsPattern"] as const) {
        if (mirror[key] !== undefined) {
            checkText(problems, `mirror.${key}`, mirror[key], "a regular expression");
            if (typeof mirror[key] === "string") {
                try {
                    new RegExp(mirror[key] as string);
                } catch {
                    problems.push({ path: `mirror.${key}`, value: mirror[key], allowed: "a valid regular expression" });
                }
            }
        }
    }
    checkBoolean(problems, "mirror.syncGroupOffsets", mirror.syncGroupOffsets);
    if (mirror.replicas !== undefined) checkInteger(problems, "mirror.replicas", mirror.replicas, 1, 20);
    if (mirror.tasksMax !== undefined) checkInteger(problems, "mirror.tasksMax", mirror.tasksMax, 1, 1000);
}

/** {@link KafkaMirrorArgs} with every default applied. */
export type ResolvedKafkaMirror = Required<KafkaMirrorArgs>;

/** The (validated) `mirror` of Kafka `name` with its defaults (the source alias is `name`), or undefined when not set. */
export function resolveKafkaMirror(name: string, mirror: KafkaMirrorArgs | undefined): ResolvedKafkaMirror | undefined {
    if (mirror === undefined) return undefined;
    const d = KAFKA_MIRROR_DEFAULTS;
    return {
        targetBootstrapServers: mirror.targetBootstrapServers,
        targetAlias: mirror.targetAlias ?? d.targetAlias,
        sourceAlias: mirror.sourceAlias ?? name,
        topicsPattern: mirror.topicsPattern ?? d.topicsPattern,
        groupsPattern: mirror.groupsPattern ?? d.groupsPattern,
        syncGroupOffsets: mirror.syncGroupOffsets ?? d.syncGroupOffsets,
        replicas: mirror.replicas ?? d.replicas,
        tasksMax: mirror.tasksMax ?? d.tasksMax,
    };
}

/** The `KafkaMirrorMaker2` spec mirroring Kafka `name` (bootstrap `sourceBootstrap`) to the target. */
export function kafkaMirrorSpec(
    name: string,
    version: string,
    sourceBootstrap: string,
    mirror: ResolvedKafkaMirror,
): Record<string, unknown> {
    const sync = mirror.syncGroupOffsets;
    return {
        version,
        replicas: mirror.replicas,
        target: {
            alias: mirror.targetAlias,
            bootstrapServers: mirror.targetBootstrapServers,
            groupId: `${name}-mirror`,
            // Internal topics start with "__", which the default topic filter never mirrors.
            configStorageTopic: `__${name}-mirror-config`,
            offsetStorageTopic: `__${name}-mirror-offset`,
            statusStorageTopic: `__${name}-mirror-status`,
            config: {
                "config.storage.replication.factor": -1,
                "offset.storage.replication.factor": -1,
                "status.storage.replication.factor": -1,
            },
        },
        mirrors: [
            {
                source: { alias: mirror.sourceAlias, bootstrapServers: sourceBootstrap },
                sourceConnector: {
                    tasksMax: mirror.tasksMax,
                    config: {
                        "replication.factor": -1,
                        "offset-syncs.topic.replication.factor": -1,
                        "offset-syncs.topic.location": "target",
                        "sync.topic.acls.enabled": "false",
                    },
                },
                checkpointConnector: {
                    tasksMax: 1,
                    config: {
                        "checkpoints.topic.replication.factor": -1,
                        "offset-syncs.topic.location": "target",
                        "sync.group.offsets.enabled": String(sync),
                        ...(sync ? { "emit.checkpoints.interval.seconds": 60, "sync.group.offsets.interval.seconds": 60 } : {}),
                        "refresh.groups.interval.seconds": 600,
                    },
                },
                topicsPattern: mirror.topicsPattern,
                groupsPattern: mirror.groupsPattern,
            },
        ],
    };
}

/** Creates the `KafkaMirrorMaker2` `<name>-mirror`, labelled as the backup of Kafka `name`. */
export function createKafkaMirror(
    name: string,
    namespace: string,
    version: string,
    sourceBootstrap: string,
    mirror: ResolvedKafkaMirror,
    opts: pulumi.CustomResourceOptions,
): k8s.apiextensions.CustomResource {
    return new k8s.apiextensions.CustomResource(
        `${name}-mirror`,
        {
            apiVersion: "kafka.strimzi.io/v1",
            kind: "KafkaMirrorMaker2",
            metadata: { name: `${name}-mirror`, namespace, labels: { ...PACKAGE_LABELS, [BACKUP_OF_LABEL]: name } },
            spec: kafkaMirrorSpec(name, version, sourceBootstrap, mirror),
        },
        opts,
    );
}
