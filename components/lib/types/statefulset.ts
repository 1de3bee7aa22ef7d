/** The argument families of the systems built on the StatefulSet building block. */
import { StatefulSystemArgs, PlacedSystemArgs } from "./base";
import { MonitoringArgs } from "./monitoring";
import { NetworkPolicyArgs } from "./network";
import { ResourcesArgs } from "./resources";
import { StorageArgs } from "./storage";

/** Arguments of the systems built on the StatefulSet building block (Eureka, Nacos, RabbitMQ, Redis). */
export interface StatefulSetSystemArgs extends StatefulSystemArgs, PlacedSystemArgs {
    /**
     * Image of the main container, pinned (a tag or a digest, never `latest`).
     * @default - the system's pinned image
     */
    image?: string;
    /**
     * CPU and memory of each member's main container.
     * @default - the system's own requests; the memory limit equals the memory request
     */
    resources?: ResourcesArgs;
    /**
     * Prometheus wiring: scrape annotations on the pods, and on request a ServiceMonitor.
     * @default { scrapeAnnotations: true, serviceMonitor: false }
     */
    monitoring?: MonitoringArgs;
    /**
     * An ingress NetworkPolicy: peer ports from the other members, client ports from `clientNamespaces`
     * (default: this namespace), the metrics port from `monitoringNamespace`. The production stack turns it on.
     * @default { enabled: false }
     */
    networkPolicy?: NetworkPolicyArgs;
}

/** Arguments of the StatefulSet systems that keep data on volumes (Nacos, RabbitMQ, Redis). */
export interface PersistentSystemArgs extends StatefulSetSystemArgs {
    /**
     * Each member's PersistentVolumeClaim; the claims are retained when the StatefulSet is deleted or scaled in.
     * @default { size: "10Gi", whenDeleted: "Retain", whenScaled: "Retain" }
     */
    storage?: StorageArgs;
}
