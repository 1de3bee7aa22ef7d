/**
 * stateful-k8s: Pulumi components that run stateful systems on Kubernetes, each scaled by one value.
 *
 * Layer 1 {@link Eureka}: StatefulSet + headless Service, peer list derived from `replicas`.
 * Layer 2 {@link Nacos}: + automatic peer discovery (`cluster.conf`) + PVCs.
 * Layer 3 {@link RabbitMQ}: + Kubernetes peer-discovery and Prometheus plugins, RBAC, PVCs.
 */
export { Eureka, EurekaArgs, EUREKA_DEFAULTS, eurekaPeerUrls, validateEurekaArgs } from "./eureka";
export { Nacos, NacosArgs, NacosMysqlArgs, NACOS_DEFAULTS, NACOS_PORTS, nacosClusterMembers, validateNacosArgs } from "./nacos";
export {
    RabbitMQ,
    RabbitMQArgs,
    RABBITMQ_DEFAULTS,
    RABBITMQ_PLUGINS,
    RABBITMQ_PORTS,
    rabbitmqNodeNames,
    renderRabbitmqConf,
    validateRabbitMQArgs,
} from "./rabbitmq";
export { MonitoringArgs, ResourcesArgs, SchedulingArgs, StorageArgs } from "./lib/types";
export { ArgProblem, ArgsError } from "./lib/validation";
