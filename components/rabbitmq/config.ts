/** RabbitMQ's node names, the seed node its peer discovery derives, and `rabbitmq.conf`. */
import { rabbitmqRestoreConf } from "./backup";
import { RABBITMQ_PORTS } from "./args";

/** The RabbitMQ node name of every member (`rabbit@<member DNS name>`), in ordinal order. */
export function rabbitmqNodeNames(memberNames: string[]): string[] {
    return memberNames.map((host) => `rabbit@${host}`);
}

/**
 * The seed node RabbitMQ 4.1's `rabbit_peer_discovery_k8s:list_nodes/0` derives from a node's own name:
 * the same name with the ordinal after the StatefulSet name replaced by `ordinalStart` (upstream's
 * regular expression `^([^@]+@)([^.]*-)([0-9]+)`); undefined where upstream fails to parse the name.
 */
export function rabbitmqSeedNode(nodeName: string, ordinalStart = 0): string | undefined {
    const m = /^([^@]+@)([^.]*-)([0-9]+)(.*)$/.exec(nodeName);
    return m === null ? undefined : `${m[1]}${m[2]}${ordinalStart}${m[4]}`;
}

/**
 * Renders `rabbitmq.conf`. The replica-dependent value is interpolated from an environment variable
 * (`$(VAR)`), so the file itself never changes on a scale edit. It holds no secret: the default user
 * comes from `RABBITMQ_DEFAULT_USER`/`RABBITMQ_DEFAULT_PASS`, which RabbitMQ reads byte for byte
 * (`rabbit_env.erl`), whereas a `$(VAR)` value is pasted into the file before it is parsed, where a `#`
 * starts a comment. The file replaces the image's `conf.d`, so it repeats the image's `log.console = true`.
 */
export function renderRabbitmqConf(name: string, restore = false): string {
    return [
        `cluster_name = ${name}`,
        // 4.1's plugin takes the seed from the node name; the k8s.host/address_type/service_name/
        // hostname_suffix keys are "completely ignored" (rabbitmq_peer_discovery_k8s.schema) and not written.
        "cluster_formation.peer_discovery_backend = rabbit_peer_discovery_k8s",
        "cluster_formation.node_cleanup.only_log_warning = true",
        "cluster_partition_handling = pause_minority",
        "queue_leader_locator = balanced",
        "quorum_queue.continuous_membership_reconciliation.enabled = true",
        "quorum_queue.continuous_membership_reconciliation.target_group_size = $(RABBITMQ_QQ_TARGET_GROUP_SIZE)",
        "quorum_queue.continuous_membership_reconciliation.auto_remove = false",
        // Logs to stdout, as the image's own conf.d/10-defaults.conf does.
        "log.console = true",
        "auth_mechanisms.1 = PLAIN",
        "auth_mechanisms.2 = AMQPLAIN",
        `listeners.tcp.default = ${RABBITMQ_PORTS.amqp}`,
        `management.tcp.port = ${RABBITMQ_PORTS.management}`,
        `prometheus.tcp.port = ${RABBITMQ_PORTS.prometheus}`,
        ...(restore ? rabbitmqRestoreConf() : []),
        "",
    ].join("\n");
}
