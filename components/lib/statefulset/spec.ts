/**
 * What a StatefulSet-based component tells the building block ({@link WorkloadSpec}) and what it gets
 * back ({@link Workload}).
 */
import * as k8s from "@pulumi/kubernetes";
import * as kx from "@pulumi/kubernetesx";
import * as pulumi from "@pulumi/pulumi";
import { WorkloadNames } from "../naming";
import { MonitoringArgs, ResourcesArgs, SchedulingArgs } from "../types";
import { ResolvedStorage } from "./args";

/** How a StatefulSet starts and stops its pods (`podManagementPolicy`; immutable after creation). */
export const PodManagementPolicy = {
    /** One pod at a time, each after the previous one is ready. */
    OrderedReady: "OrderedReady",
    /** All pods at once: for systems whose members find each other by name, not by start order. */
    Parallel: "Parallel",
} as const;
/** One of {@link PodManagementPolicy}'s values. */
export type PodManagementPolicy = (typeof PodManagementPolicy)[keyof typeof PodManagementPolicy];

/** A container port; `peer` ports go on the headless Service, `client` ports on the client Service. */
export interface PortSpec {
    /** IANA-style port name (at most 15 characters). */
    name: string;
    /** Port number, the same in the container and on the Services. */
    port: number;
    /** Published on the headless Service (members talk to each other on it). */
    peer: boolean;
    /** Published on the client Service (consumers connect to it). */
    client: boolean;
    /** Served by a sidecar, which declares the container port itself; the main container does not. */
    sidecar?: boolean;
}

/** Where metrics are served, and how they are scraped. */
export interface MetricsSpec {
    /** Name of the port that serves metrics (one of the {@link PortSpec} names). */
    portName: string;
    /** Number of that port. */
    port: number;
    /** HTTP path of the metrics endpoint. */
    path: string;
    /** Scrape annotations and ServiceMonitor, already defaulted. */
    monitoring: Required<MonitoringArgs>;
}

/** A volume the data lives on: a claim template mounted into the main container. */
export interface DataVolumeSpec {
    /** Name of the claim template (PVCs are named `<name>-<statefulset>-<ordinal>`). */
    name: string;
    /** Mount path in the main container. */
    mountPath: string;
    /** Storage settings, already defaulted. */
    storage: ResolvedStorage;
}

/** Everything a component tells the building block. */
export interface WorkloadSpec {
    /** `app.kubernetes.io/name`, for example "rabbitmq". */
    system: string;
    /** Namespace of every object. */
    namespace: string;
    /** Cluster DNS domain of the members' names. */
    clusterDomain: string;
    /** Name of the client Service.
     * @default the component name */
    clientServiceName?: string;
    /** Number of members. */
    replicas: number;
    /** Pinned image of the main container. */
    image: string;
    /** How the StatefulSet starts its pods; immutable after creation. */
    podManagementPolicy: PodManagementPolicy;
    /** Container ports. */
    ports: PortSpec[];
    /** The metrics endpoint; without one, nothing is scraped. */
    metrics?: MetricsSpec;
    /** Environment of the main container, in order (later entries may reference earlier ones as `$(NAME)`). */
    env: kx.types.EnvMap;
    /** Command of the main container, when the image's entrypoint is not used as is. */
    command?: string[];
    /** Readiness probe of the main container. */
    readinessProbe: k8s.types.input.core.v1.Probe;
    /** Liveness probe of the main container. */
    livenessProbe: k8s.types.input.core.v1.Probe;
    /** Command run before the main container is stopped (a clean leave or drain). */
    preStop?: string[];
    /** Startup probe of the main container. */
    startupProbe?: k8s.types.input.core.v1.Probe;
    /** Extra mounts of the main container (besides the data volume). */
    volumeMounts?: k8s.types.input.core.v1.VolumeMount[];
    /** Extra pod volumes (ConfigMaps, Secrets, scratch space). */
    volumes?: k8s.types.input.core.v1.Volume[];
    /** Init containers. */
    initContainers?: kx.types.Container[];
    /** Extra annotations of the StatefulSet itself (for example `stateful-k8s.io/backup: external`). */
    annotations?: Record<string, string>;
    /** Containers that run beside the main one (for example a metrics exporter). */
    sidecars?: kx.types.Container[];
    /** `app.kubernetes.io/component` of the pods, for example "sentinel".
     * @default "server" */
    component?: string;
    /** The data volume; absent for systems that keep no data (Eureka). */
    dataVolume?: DataVolumeSpec;
    /** User and group the pod runs as (the image's non-root user); undefined for images that must run as root. */
    runAsUser?: number;
    /** The main container writes only to mounted volumes, so its root file system can be read-only.
     * @default false */
    readOnlyRootFilesystem?: boolean;
    /** Service account of the pods, when the system talks to the Kubernetes API. */
    serviceAccountName?: pulumi.Input<string>;
    /** Grace period for a clean shutdown. */
    terminationGracePeriodSeconds: number;
    /** Extra pod-template annotations (for example a checksum of the configuration). */
    podAnnotations?: Record<string, string>;
    /** Resources, already defaulted. */
    resources: ResourcesArgs;
    /** Scheduling, already defaulted. */
    scheduling: Required<SchedulingArgs>;
    /** Let an autoscaler own `spec.replicas`: Pulumi sets it at creation only and ignores later changes. */
    autoscaled?: boolean;
    /** The members vote (a quorum system): labelled `stateful-k8s.io/quorum: "true"` for the policy pack. */
    quorum?: boolean;
}

/** The objects the building block created, plus the derived names. */
export interface Workload {
    /** The names derived from the component's name. */
    names: WorkloadNames;
    /** The StatefulSet. */
    statefulSet: k8s.apps.v1.StatefulSet;
    /** The headless Service that the StatefulSet's `serviceName` names. */
    headlessService: k8s.core.v1.Service;
    /** The client Service. */
    clientService: k8s.core.v1.Service;
    /** The PodDisruptionBudget. */
    podDisruptionBudget: k8s.policy.v1.PodDisruptionBudget;
    /** The ServiceMonitor, when requested. */
    serviceMonitor?: k8s.apiextensions.CustomResource;
    /** Selector labels of the pods. */
    selectorLabels: Record<string, string>;
}
