/**
 * Stack configuration: one structured object per system, validated as a whole before any resource is
 * registered. Pure functions only; `program.ts` wires the result to the components.
 */
import { EurekaArgs, validateEurekaArgs } from "../components/eureka";
import { KafkaArgs, validateKafkaArgs } from "../components/kafka";
import { ALERTING_KEYS } from "../components/lib/alerts";
import { AUTOSCALING_KEYS } from "../components/lib/autoscaling";
import { CONSUMER_LAG_AUTOSCALING_KEYS } from "../components/lib/keda";
import { NETWORK_POLICY_KEYS } from "../components/lib/network";
import { NacosArgs, validateNacosArgs } from "../components/nacos";
import { RabbitMQArgs, validateRabbitMQArgs } from "../components/rabbitmq";
import { RedisArgs, validateRedisArgs } from "../components/redis";
import { TiDBArgs, validateTiDBArgs } from "../components/tidb";
import { ArgProblem, ArgsError, checkBoolean, checkDnsLabel, checkOneOf } from "../components/lib/validation";

/** The project name, which is also the namespace of every config key (`stateful-k8s:<key>`). */
export const PROJECT = "stateful-k8s";

/** The systems a stack can enable, in deployment order. */
export const SYSTEMS = ["eureka", "nacos", "rabbitmq", "redis", "kafka", "tidb"] as const;
/** One of {@link SYSTEMS}. */
export type SystemName = (typeof SYSTEMS)[number];

/**
 * The backup bucket's credentials (one pair for every system's `backup.storage`) and the restore source's
 * (`restore.storage`), by arg path.
 */
const BACKUP_SECRETS = {
    "backup.storage.accessKeyId": "backupAccessKeyId",
    "backup.storage.secretAccessKey": "backupSecretAccessKey",
} as const;
const RESTORE_SECRETS = {
    "restore.storage.accessKeyId": "restoreAccessKeyId",
    "restore.storage.secretAccessKey": "restoreSecretAccessKey",
} as const;

/** Secret config keys (set with `pulumi config set --secret <key> <value>`), by system and arg path. */
export const SECRET_KEYS: Record<SystemName, Record<string, string>> = {
    eureka: {},
    nacos: {
        authToken: "nacosAuthToken",
        identityValue: "nacosIdentityValue",
        adminPassword: "nacosAdminPassword",
        "mysql.password": "nacosMysqlPassword",
        ...BACKUP_SECRETS,
    },
    rabbitmq: { erlangCookie: "rabbitmqErlangCookie", defaultPassword: "rabbitmqDefaultPassword", ...BACKUP_SECRETS, ...RESTORE_SECRETS },
    redis: {
        password: "redisPassword",
        ...BACKUP_SECRETS,
        "restoreFrom.storage.accessKeyId": RESTORE_SECRETS["restore.storage.accessKeyId"],
        "restoreFrom.storage.secretAccessKey": RESTORE_SECRETS["restore.storage.secretAccessKey"],
    },
    kafka: {},
    tidb: { ...BACKUP_SECRETS, ...RESTORE_SECRETS },
};

/** Groups of the backup arguments, by system (the storage group's own keys are checked by the components). */
const BACKUP_GROUPS = {
    nacos: { backup: ["storage", "schedule", "retentionDays", "namespaces"] },
    rabbitmq: { backup: ["storage", "schedule", "retentionDays"], restore: ["storage", "object"] },
    redis: { backup: ["storage", "schedule", "retentionDays", "keepLast", "image"], restoreFrom: ["storage", "snapshot", "image"] },
    kafka: {
        mirror: [
            "targetBootstrapServers",
            "targetAlias",
            "sourceAlias",
            "topicsPattern",
            "groupsPattern",
            "syncGroupOffsets",
            "replicas",
            "tasksMax",
        ],
    },
    tidb: {
        backup: ["storage", "schedule", "retentionDays", "logBackup"],
        restore: ["storage", "fullBackup", "pointInTime", "timeoutMinutes"],
    },
} as const;

/** Sets `value` at a dotted `path` of a copy of `obj`, when every parent on the path is an object; otherwise returns `obj` as is. */
export function withValueAt(obj: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
    const [head, ...rest] = path.split(".");
    if (rest.length === 0) return { ...obj, [head]: value };
    const inner = obj[head];
    if (typeof inner !== "object" || inner === null || Array.isArray(inner)) return obj;
    return { ...obj, [head]: withValueAt(inner as Record<string, unknown>, rest.join("."), value) };
}

const SHARED_GROUPS: Record<string, readonly string[]> = {
    storage: ["size", "storageClassName", "whenDeleted", "whenScaled"],
    resources: ["cpuRequest", "memoryRequest", "cpuLimit", "memoryLimit"],
    monitoring: ["scrapeAnnotations", "serviceMonitor", "serviceMonitorLabels", "interval", ...ALERTING_KEYS],
    scheduling: ["requireAntiAffinity", "maxUnavailable", "nodeSelector", "tolerations"],
    autoscaling: AUTOSCALING_KEYS,
    podMonitoring: ["podMonitor", "podMonitorLabels", "interval", ...ALERTING_KEYS],
    poolStorage: ["size", "storageClassName"],
    networkPolicy: NETWORK_POLICY_KEYS,
};
const OPERATOR_KEYS = ["installOperator", "operatorNamespace", "operatorVersion"] as const;

const STATEFULSET_GROUPS: Record<string, readonly string[]> = {
    storage: SHARED_GROUPS.storage,
    resources: SHARED_GROUPS.resources,
    monitoring: SHARED_GROUPS.monitoring,
    scheduling: SHARED_GROUPS.scheduling,
    // Accepted so that the component can refuse it with its reason.
    autoscaling: SHARED_GROUPS.autoscaling,
};

/** Keys each system's config object accepts, with the nested groups' keys. */
export const SYSTEM_KEYS: Record<SystemName, { plain: readonly string[]; groups: Record<string, readonly string[]> }> = {
    eureka: {
        plain: [
            "enabled",
            "namespace",
            "replicas",
            "image",
            "prometheusMetrics",
            "port",
            "peerNodesUpdateIntervalMs",
            "selfPreservation",
            "clusterDomain",
            "runAsUser",
        ],
        groups: {
            resources: SHARED_GROUPS.resources,
            monitoring: SHARED_GROUPS.monitoring,
            scheduling: SHARED_GROUPS.scheduling,
            autoscaling: SHARED_GROUPS.autoscaling,
            networkPolicy: SHARED_GROUPS.networkPolicy,
        },
    },
    nacos: {
        plain: ["enabled", "namespace", "replicas", "image", "identityKey", "clusterDomain"],
        groups: {
            ...STATEFULSET_GROUPS,
            mysql: ["host", "port", "database", "user", "params"],
            networkPolicy: SHARED_GROUPS.networkPolicy,
            ...BACKUP_GROUPS.nacos,
        },
    },
    rabbitmq: {
        plain: [
            "enabled",
            "namespace",
            "replicas",
            "allowUnsafeScaleIn",
            "image",
            "defaultUser",
            "quorumQueueTargetGroupSize",
            "terminationGracePeriodSeconds",
            "clusterDomain",
        ],
        groups: { ...STATEFULSET_GROUPS, networkPolicy: SHARED_GROUPS.networkPolicy, ...BACKUP_GROUPS.rabbitmq },
    },
    redis: {
        plain: [
            "enabled",
            "namespace",
            "replicas",
            "sentinels",
            "quorum",
            "masterName",
            "image",
            "exporterImage",
            "persistence",
            "downAfterMilliseconds",
            "failoverTimeoutMilliseconds",
            "parallelSyncs",
            "minReplicasToWrite",
            "clusterDomain",
        ],
        groups: {
            ...STATEFULSET_GROUPS,
            sentinelResources: SHARED_GROUPS.resources,
            networkPolicy: SHARED_GROUPS.networkPolicy,
            ...BACKUP_GROUPS.redis,
        },
    },
    kafka: {
        plain: [
            "enabled",
            "namespace",
            "replicas",
            "controllers",
            "version",
            "replicationFactor",
            "kafkaExporter",
            "requireAntiAffinity",
            ...OPERATOR_KEYS,
        ],
        groups: {
            brokerStorage: SHARED_GROUPS.poolStorage,
            controllerStorage: SHARED_GROUPS.poolStorage,
            brokerResources: SHARED_GROUPS.resources,
            controllerResources: SHARED_GROUPS.resources,
            monitoring: SHARED_GROUPS.podMonitoring,
            autoscaling: SHARED_GROUPS.autoscaling,
            lagAutoscaling: CONSUMER_LAG_AUTOSCALING_KEYS,
            networkPolicy: SHARED_GROUPS.networkPolicy,
            ...BACKUP_GROUPS.kafka,
        },
    },
    tidb: {
        plain: ["enabled", "namespace", "version", "replicas", "pdReplicas", "tikvReplicas", "regionReplicas", ...OPERATOR_KEYS],
        groups: {
            pdStorage: SHARED_GROUPS.poolStorage,
            tikvStorage: SHARED_GROUPS.poolStorage,
            resources: SHARED_GROUPS.resources,
            pdResources: SHARED_GROUPS.resources,
            tikvResources: SHARED_GROUPS.resources,
            monitoring: SHARED_GROUPS.podMonitoring,
            autoscaling: SHARED_GROUPS.autoscaling,
            ...BACKUP_GROUPS.tidb,
        },
    },
};

/** Validators of each system's args (pure; the same ones the components run). */
const VALIDATORS: Record<SystemName, (name: string, args: never) => ArgProblem[]> = {
    eureka: validateEurekaArgs,
    nacos: validateNacosArgs,
    rabbitmq: validateRabbitMQArgs,
    redis: validateRedisArgs,
    kafka: validateKafkaArgs,
    tidb: validateTiDBArgs,
};

/** Stack-wide keys besides the systems and their secrets. */
export const STACK_KEYS = ["environment", "namespace", "createNamespaces", "production"] as const;

/** Allowed values of `stateful-k8s:environment`. */
export const ENVIRONMENTS = ["dev", "staging", "prod"] as const;

/** The validated settings of one stack. */
export interface StackSettings {
    /** dev, staging or prod. */
    environment: string;
    /** Whether this is a production stack. */
    production: boolean;
    /** Default namespace of every system. */
    namespace: string;
    /** Whether the program creates the namespaces it uses. */
    createNamespaces: boolean;
    /** Args of each enabled system (secrets still to be attached); absent when disabled. */
    eureka?: EurekaArgs;
    /** See {@link StackSettings.eureka}. */
    nacos?: Omit<NacosArgs, "authToken" | "identityValue" | "adminPassword">;
    /** See {@link StackSettings.eureka}. */
    rabbitmq?: Omit<RabbitMQArgs, "erlangCookie" | "defaultPassword">;
    /** See {@link StackSettings.eureka}. */
    redis?: Omit<RedisArgs, "password">;
    /** See {@link StackSettings.eureka}. */
    kafka?: KafkaArgs;
    /** See {@link StackSettings.eureka}. */
    tidb?: TiDBArgs;
}

const PLACEHOLDER_SECRET = "placeholder-secret-value-for-validation-0123456789";

function parseValue(raw: string | undefined): unknown {
    if (raw === undefined) return undefined;
    try {
        return JSON.parse(raw);
    } catch {
        return raw;
    }
}

function checkKnownKeys(problems: ArgProblem[], system: SystemName, obj: Record<string, unknown>): void {
    const spec = SYSTEM_KEYS[system];
    for (const [key, value] of Object.entries(obj)) {
        // Own keys only: a key such as "constructor" or "toString" names no group.
        const group = Object.hasOwn(spec.groups, key) ? spec.groups[key] : undefined;
        if (group !== undefined) {
            if (typeof value !== "object" || value === null || Array.isArray(value)) {
                problems.push({ path: `${system}.${key}`, value, allowed: `an object with keys ${group.join(", ")}` });
                continue;
            }
            for (const inner of Object.keys(value)) {
                if (!group.includes(inner)) {
                    problems.push({
                        path: `${system}.${key}.${inner}`,
                        value: (value as Record<string, unknown>)[inner],
                        allowed: `one of the keys ${group.join(", ")}`,
                    });
                }
            }
        } else if (!spec.plain.includes(key)) {
            const hint = Object.hasOwn(SECRET_KEYS[system], key)
                ? ` (secrets are separate keys: pulumi config set --secret ${SECRET_KEYS[system][key]} ...)`
                : "";
            problems.push({
                path: `${system}.${key}`,
                value,
                allowed: `one of the keys ${[...spec.plain, ...Object.keys(spec.groups)].join(", ")}${hint}`,
            });
        }
    }
}

/**
 * Parses and validates a stack's whole configuration.
 * @param all Every config value, keyed `project:key`, as `pulumi.runtime.allConfig()` returns them.
 * @throws ArgsError naming every bad config path, its value and what is allowed.
 */
export function parseStackConfig(all: Record<string, string>): StackSettings {
    const problems: ArgProblem[] = [];
    // No prototype: a key named "__proto__" is a key like any other (and refused as unknown), never the prototype.
    const mine: Record<string, unknown> = Object.create(null);
    for (const [fullKey, raw] of Object.entries(all)) {
        const [ns, ...rest] = fullKey.split(":");
        if (ns === PROJECT) mine[rest.join(":")] = parseValue(raw);
    }
    const secretKeyNames = SYSTEMS.flatMap((s) => Object.values(SECRET_KEYS[s]));
    for (const key of Object.keys(mine)) {
        if (
            !(SYSTEMS as readonly string[]).includes(key) &&
            !(STACK_KEYS as readonly string[]).includes(key) &&
            !secretKeyNames.includes(key)
        ) {
            problems.push({
                path: key,
                value: mine[key],
                allowed: `a known key: ${[...SYSTEMS, ...STACK_KEYS, ...secretKeyNames].join(", ")}`,
            });
        }
    }
    const environment = mine.environment ?? "dev";
    checkOneOf(problems, "environment", environment, ENVIRONMENTS);
    // Defaults derive from the environment only when it is a string (anything else is refused above).
    const namespace = mine.namespace ?? `stateful-${typeof environment === "string" ? environment : "dev"}`;
    checkDnsLabel(problems, "namespace", namespace);
    checkBoolean(problems, "createNamespaces", mine.createNamespaces);
    checkBoolean(problems, "production", mine.production);

    const settings: StackSettings = {
        environment: typeof environment === "string" ? environment : "dev",
        production: (mine.production as boolean | undefined) ?? environment === "prod",
        namespace: typeof namespace === "string" ? namespace : "",
        createNamespaces: (mine.createNamespaces as boolean | undefined) ?? true,
    };

    for (const system of SYSTEMS) {
        const raw = mine[system];
        if (raw === undefined) continue;
        if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
            problems.push({ path: system, value: raw, allowed: "an object such as { enabled: true, replicas: 3 }" });
            continue;
        }
        const obj = raw as Record<string, unknown>;
        checkKnownKeys(problems, system, obj);
        checkBoolean(problems, `${system}.enabled`, obj.enabled);
        if (obj.enabled === false) continue;
        const { enabled: _enabled, ...args } = obj;
        const withNamespace = { namespace: settings.namespace, ...args };
        // Secrets are validated for presence with their own config key names.
        const secretArgs: Record<string, unknown> = {};
        for (const [argPath, configKey] of Object.entries(SECRET_KEYS[system])) {
            const [head, tail] = argPath.split(".");
            const needed = tail === undefined || withNamespace[head as keyof typeof withNamespace] !== undefined;
            if (!needed) continue;
            const value = mine[configKey];
            if (value === undefined || value === "") {
                problems.push({
                    path: configKey,
                    value: undefined,
                    allowed: `a secret: pulumi config set --secret ${configKey} <value> (needed by ${system})`,
                });
            }
            if (tail === undefined) secretArgs[head] = typeof value === "string" && value !== "" ? value : PLACEHOLDER_SECRET;
        }
        let candidate: Record<string, unknown> = { ...withNamespace, ...secretArgs };
        // Nested secrets (mysql.password, backup.storage.*) stand in wherever their group is configured.
        for (const argPath of Object.keys(SECRET_KEYS[system]).filter((p) => p.includes("."))) {
            candidate = withValueAt(candidate, argPath, PLACEHOLDER_SECRET);
        }
        const found = VALIDATORS[system](system, candidate as never);
        const secretPaths = SECRET_KEYS[system];
        for (const p of found) {
            problems.push(Object.hasOwn(secretPaths, p.path) ? { ...p, path: secretPaths[p.path] } : { ...p, path: `${system}.${p.path}` });
        }
        (settings as unknown as Record<string, unknown>)[system] = withNamespace;
    }
    if (problems.length > 0) {
        throw new ArgsError("stack configuration", problems, `${PROJECT}:`);
    }
    return settings;
}
