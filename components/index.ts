/**
 * stateful-k8s: Pulumi components that run stateful systems on Kubernetes, each scaled by one value.
 *
 * Layer 1 {@link Eureka}: StatefulSet + headless Service, peer list derived from `replicas`.
 * Layer 2 {@link Nacos}: + automatic peer discovery (`cluster.conf`) + PVCs.
 * Layer 3 {@link RabbitMQ}: + Kubernetes peer-discovery and Prometheus plugins, RBAC, PVCs.
 * Layer 4 {@link Redis}: master/replicas + sentinels + exporter sidecar + PVCs, the work an operator would do.
 * Layer 5 {@link Kafka}: Strimzi custom resources (KRaft, node pools), metrics, automatic rebalancing.
 * Layer 6 {@link TiDB}: tidb-operator v2 custom resources, monitoring, autoscaling of the SQL layer.
 */
export { Eureka, EurekaArgs, EUREKA_DEFAULTS, eurekaPeerUrls, resolveEurekaArgs, validateEurekaArgs } from "./eureka";
export {
    Nacos,
    NacosArgs,
    NacosMysqlArgs,
    NACOS_DEFAULTS,
    NACOS_PORTS,
    nacosClusterMembers,
    resolveNacosArgs,
    validateNacosArgs,
} from "./nacos";
export {
    RabbitMQ,
    RabbitMQArgs,
    RABBITMQ_DEFAULTS,
    RABBITMQ_PLUGINS,
    RABBITMQ_PORTS,
    rabbitmqNodeNames,
    renderRabbitmqConf,
    resolveRabbitMQArgs,
    validateRabbitMQArgs,
} from "./rabbitmq";
export {
    Redis,
    RedisArgs,
    REDIS_DEFAULTS,
    REDIS_PORTS,
    RedisPersistence,
    defaultQuorum,
    resolveRedisArgs,
    validateRedisArgs,
} from "./redis";
export {
    Kafka,
    KafkaArgs,
    KafkaStorageArgs,
    KAFKA_DEFAULTS,
    KAFKA_PORTS,
    STRIMZI_CHART,
    kafkaReplication,
    resolveKafkaArgs,
    validateKafkaArgs,
} from "./kafka";
export {
    TiDB,
    TiDBArgs,
    TiDBStorageArgs,
    TIDB_DEFAULTS,
    TIDB_METRICS_PORTS,
    TIDB_PORTS,
    TIDB_OPERATOR_CHART,
    TIDB_SQL_PORT,
    resolveTiDBArgs,
    validateTiDBArgs,
} from "./tidb";
export {
    AutoscalingArgs,
    ClaimRetention,
    MonitoringArgs,
    OperatorInstallArgs,
    OperatorMonitoringArgs,
    OperatorSystemArgs,
    PersistentSystemArgs,
    PlacedSystemArgs,
    ResourcesArgs,
    SchedulingArgs,
    StatefulSetSystemArgs,
    StatefulSystemArgs,
    StorageArgs,
} from "./lib/types";
export { BackupScheduleArgs, BackupStorageArgs, BACKUP_DEFAULTS } from "./lib/backup";
export { KafkaMirrorArgs } from "./kafka/mirror";
export { NacosBackupArgs } from "./nacos/backup";
export { RabbitMQBackupArgs, RabbitMQRestoreArgs } from "./rabbitmq/backup";
export { RedisBackupArgs, RedisRestoreArgs } from "./redis/backup";
export { TiDBBackupArgs, TiDBRestoreArgs } from "./tidb/backup";
export { ArgProblem, ArgsError } from "./lib/validation";
