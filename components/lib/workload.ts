/**
 * The stateful building block every StatefulSet-based component uses: a headless Service for peer
 * discovery, a client Service, a StatefulSet with stable names and retained claims, a
 * PodDisruptionBudget, and Prometheus wiring. Components describe their pod; this file does the rest.
 */
import * as k8s from "@pulumi/kubernetes";
import * as kx from "@pulumi/kubernetesx";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { ALERTING_DEFAULTS, ALERTING_KEYS, checkAlertingArgs, resolveAlerting } from "./alerts";
import { NO_DATA_ANNOTATION, PART_OF_LABEL, QUORUM_LABEL, SERVICE_ROLE_LABEL, SERVICE_ROLES } from "./contract";
import { validateScheduling } from "./scheduling";
import { MonitoringArgs, ResourcesArgs, SchedulingArgs, StorageArgs, TolerationArgs } from "./types";
import {
    ArgProblem,
    checkBoolean,
    checkDnsLabel,
    checkDnsSubdomain,
    checkDuration,
    checkGroup,
    checkImage,
    checkOneOf,
    checkResources,
    checkStorageSize,
    checkStringMap,
} from "./validation";

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

/** Where and how metrics are scraped. */
export interface MetricsSpec {
    /** Name of the port that serves metrics (one of the {@link PortSpec} names). */
    portName: string;
    /** Number of that port. */
    port: number;
    /** HTTP path of the metrics endpoint. */
    path: string;
}

/** A volume the data lives on: a claim template mounted into the main container. */
export interface DataVolumeSpec {
    /** Name of the claim template (PVCs are named `<name>-<statefulset>-<ordinal>`). */
    name: string;
    /** Mount path in the main container. */
    mountPath: string;
    /** Storage settings, already defaulted. */
    storage: Required<Pick<StorageArgs, "size" | "whenDeleted" | "whenScaled">> & Pick<StorageArgs, "storageClassName">;
}

/** Everything a component tells the building block. */
export interface WorkloadSpec {
    /** `app.kubernetes.io/name`, for example "rabbitmq". */
    system: string;
    /** Names and member DNS names, from {@link workloadNames}. */
    names: WorkloadNames;
    /** Number of members. */
    replicas: number;
    /** Pinned image of the main container. */
    image: string;
    /** `OrderedReady` or `Parallel`; immutable after creation. */
    podManagementPolicy: string;
    /** Container ports. */
    ports: PortSpec[];
    /** Metrics endpoint. */
    metrics: MetricsSpec;
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
    /** Monitoring, already defaulted. */
    monitoring: Required<MonitoringArgs>;
    /** Scheduling, already defaulted. */
    scheduling: Required<SchedulingArgs>;
    /** Let an autoscaler own `spec.replicas`: Pulumi sets it at creation only and ignores later changes. */
    autoscaled?: boolean;
    /** The members vote (a quorum system): labelled `stateful-k8s.io/quorum: "true"` for the policy pack. */
    quorum?: boolean;
}

/** The objects the building block created, plus the derived names. */
export interface Workload {
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

/** Names every stateful component derives from its own name. */
export interface WorkloadNames {
    /** Namespace of every object. */
    namespace: string;
    /** The StatefulSet (also the prefix of its pods): the component name. */
    statefulSet: string;
    /** The headless Service that governs the StatefulSet: `<name>-headless`. */
    headlessService: string;
    /** The client Service: the component name. */
    clientService: string;
    /** What follows a pod name in its stable DNS name: `.<headless>.<namespace>.svc.<clusterDomain>`. */
    memberSuffix: string;
    /** In-cluster DNS name of every member, in ordinal order. */
    members: string[];
    /** In-cluster DNS name of the client Service. */
    clientHost: string;
}

/** Defaults shared by every component. */
export const WORKLOAD_DEFAULTS = { namespace: "default", clusterDomain: "cluster.local" } as const;

/** Derives the object names and member DNS names of a component named `name`. */
export function workloadNames(name: string, namespace: string, replicas: number, clusterDomain: string): WorkloadNames {
    const headlessService = `${name}-headless`;
    return {
        namespace,
        statefulSet: name,
        headlessService,
        clientService: name,
        memberSuffix: `.${headlessService}.${namespace}.svc.${clusterDomain}`,
        members: memberDnsNames(name, replicas, headlessService, namespace, clusterDomain),
        clientHost: `${name}.${namespace}.svc.${clusterDomain}`,
    };
}

/** Default monitoring settings shared by all components. */
export const MONITORING_DEFAULTS: Required<MonitoringArgs> = {
    scrapeAnnotations: true,
    serviceMonitor: false,
    serviceMonitorLabels: {},
    interval: "30s",
    ...ALERTING_DEFAULTS,
};

/** Default scheduling settings shared by all components. */
export const SCHEDULING_DEFAULTS: Required<SchedulingArgs> = {
    requireAntiAffinity: false,
    maxUnavailable: 1,
    nodeSelector: {},
    tolerations: [],
};

/** Default claim retention: keep the data whatever happens to the StatefulSet. */
export const RETENTION_DEFAULTS = { whenDeleted: "Retain", whenScaled: "Retain" } as const;

/** Merges monitoring args over the defaults. */
export function resolveMonitoring(args: MonitoringArgs | undefined): Required<MonitoringArgs> {
    return {
        scrapeAnnotations: args?.scrapeAnnotations ?? MONITORING_DEFAULTS.scrapeAnnotations,
        serviceMonitor: args?.serviceMonitor ?? MONITORING_DEFAULTS.serviceMonitor,
        serviceMonitorLabels: args?.serviceMonitorLabels ?? MONITORING_DEFAULTS.serviceMonitorLabels,
        interval: args?.interval ?? MONITORING_DEFAULTS.interval,
        ...resolveAlerting(args, args?.serviceMonitor ?? MONITORING_DEFAULTS.serviceMonitor),
    };
}

/** Merges scheduling args over the defaults. */
export function resolveScheduling(args: SchedulingArgs | undefined): Required<SchedulingArgs> {
    return {
        requireAntiAffinity: args?.requireAntiAffinity ?? SCHEDULING_DEFAULTS.requireAntiAffinity,
        maxUnavailable: args?.maxUnavailable ?? SCHEDULING_DEFAULTS.maxUnavailable,
        nodeSelector: args?.nodeSelector ?? SCHEDULING_DEFAULTS.nodeSelector,
        tolerations: args?.tolerations ?? SCHEDULING_DEFAULTS.tolerations,
    };
}

/** The pod-spec fields that place members on nodes; none when the defaults apply (rendered pods unchanged). */
export function podPlacement(scheduling: Required<SchedulingArgs>): {
    nodeSelector?: { [key: string]: string };
    tolerations?: TolerationArgs[];
} {
    return {
        ...(Object.keys(scheduling.nodeSelector).length > 0 ? { nodeSelector: scheduling.nodeSelector } : {}),
        ...(scheduling.tolerations.length > 0 ? { tolerations: scheduling.tolerations } : {}),
    };
}

/** Merges storage args over a component's default size and the retention defaults. */
export function resolveStorage(args: StorageArgs | undefined, defaultSize: string): DataVolumeSpec["storage"] {
    return {
        size: args?.size ?? defaultSize,
        storageClassName: args?.storageClassName,
        whenDeleted: args?.whenDeleted ?? RETENTION_DEFAULTS.whenDeleted,
        whenScaled: args?.whenScaled ?? RETENTION_DEFAULTS.whenScaled,
    };
}

/** Merges resource args over a component's defaults (memory limit defaults to the memory request). */
export function resolveResources(args: ResourcesArgs | undefined, defaults: ResourcesArgs): ResourcesArgs {
    const memoryRequest = args?.memoryRequest ?? defaults.memoryRequest;
    return {
        cpuRequest: args?.cpuRequest ?? defaults.cpuRequest,
        memoryRequest,
        cpuLimit: args?.cpuLimit ?? defaults.cpuLimit,
        memoryLimit: args?.memoryLimit ?? defaults.memoryLimit ?? memoryRequest,
    };
}

/** Validates the component name and the args every component shares; problem paths are relative to the component's args. */
export function validateSharedArgs(
    problems: ArgProblem[],
    name: string,
    args: {
        namespace?: string;
        image?: string;
        storage?: StorageArgs;
        resources?: ResourcesArgs;
        monitoring?: MonitoringArgs;
        scheduling?: SchedulingArgs;
        clusterDomain?: string;
    },
    replicas: number,
    quorum: boolean,
): void {
    // The headless Service is `<name>-headless`; StatefulSet names leave room for the pod-name suffixes.
    checkDnsLabel(problems, "name", name, 43);
    if (args.namespace !== undefined) checkDnsLabel(problems, "namespace", args.namespace);
    if (args.image !== undefined) checkImage(problems, "image", args.image);
    // Part of every member's DNS name.
    if (args.clusterDomain !== undefined) checkDnsSubdomain(problems, "clusterDomain", args.clusterDomain);
    if (checkGroup(problems, "storage", args.storage, ["size", "storageClassName", "whenDeleted", "whenScaled"])) {
        if (args.storage.size !== undefined) {
            checkStorageSize(problems, "storage.size", args.storage.size);
        }
        if (args.storage.storageClassName !== undefined) {
            checkDnsSubdomain(problems, "storage.storageClassName", args.storage.storageClassName);
        }
        for (const key of ["whenDeleted", "whenScaled"] as const) {
            if (args.storage[key] !== undefined) {
                checkOneOf(problems, `storage.${key}`, args.storage[key], ["Retain", "Delete"]);
            }
        }
    }
    checkResources(problems, "resources", args.resources);
    checkGroup(problems, "monitoring", args.monitoring, [
        "scrapeAnnotations",
        "serviceMonitor",
        "serviceMonitorLabels",
        "interval",
        ...ALERTING_KEYS,
    ]);
    checkAlertingArgs(problems, args.monitoring);
    checkBoolean(problems, "monitoring.scrapeAnnotations", args.monitoring?.scrapeAnnotations);
    checkBoolean(problems, "monitoring.serviceMonitor", args.monitoring?.serviceMonitor);
    checkStringMap(problems, "monitoring.serviceMonitorLabels", args.monitoring?.serviceMonitorLabels);
    checkDuration(problems, "monitoring.interval", args.monitoring?.interval);
    validateScheduling(problems, args.scheduling, replicas, quorum);
}

/** Labels on every object the package creates: which project it belongs to and what manages it. */
export const PACKAGE_LABELS = { [PART_OF_LABEL.key]: PART_OF_LABEL.value, "app.kubernetes.io/managed-by": "pulumi" } as const;

/** The recommended `app.kubernetes.io/*` labels; the first two are the (immutable) selector. */
export function recommendedLabels(
    system: string,
    instance: string,
    image: string,
    component = "server",
): {
    selector: Record<string, string>;
    all: Record<string, string>;
} {
    const selector = { "app.kubernetes.io/name": system, "app.kubernetes.io/instance": instance };
    const tag = image.includes("@")
        ? image
              .split("@")[1]
              .replace(/[^A-Za-z0-9_.-]/g, "")
              .slice(0, 63)
        : ((image.split("/").pop() ?? "").split(":")[1] ?? "");
    return {
        selector,
        all: {
            ...selector,
            "app.kubernetes.io/version": tag,
            "app.kubernetes.io/component": component,
            ...PACKAGE_LABELS,
        },
    };
}

/** In-cluster DNS name of member `ordinal` of a StatefulSet governed by `headless`. */
export function memberDnsName(sts: string, ordinal: number, headless: string, namespace: string, clusterDomain: string): string {
    return `${sts}-${ordinal}.${headless}.${namespace}.svc.${clusterDomain}`;
}

/** DNS names of members 0..replicas-1. */
export function memberDnsNames(sts: string, replicas: number, headless: string, namespace: string, clusterDomain: string): string[] {
    return Array.from({ length: replicas }, (_, i) => memberDnsName(sts, i, headless, namespace, clusterDomain));
}

/** A short, stable checksum of some configuration text, for a pod-template annotation that rolls pods when it changes. */
export function checksum(text: string): string {
    return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

/** Options for a component's children: parented to it, and ordered after what the component itself depends on. */
export function childOptions(parent: pulumi.Resource, opts: pulumi.ComponentResourceOptions | undefined): pulumi.CustomResourceOptions {
    return opts?.dependsOn === undefined ? { parent } : { parent, dependsOn: opts.dependsOn };
}

/**
 * Options of a ConfigMap or Secret child: never protected. Whatever uses one must name it by its literal
 * name and order itself after it with `dependsOn` (see {@link dependingOn}), never through its
 * `metadata.name` output: a replacement of the ConfigMap (delete first, same name) would otherwise force
 * the engine to replace everything whose inputs come from that output, StatefulSets included.
 *
 * Never protected. They hold configuration, not data, and the
 * Kubernetes provider replaces a ConfigMap or Secret whose data changes (delete, then create under the
 * same name), which `protect` would refuse: a protected production stack could then neither scale Redis
 * (its topology ConfigMap) nor rotate a password nor take a new script.
 */
export function configurationOptions(options: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
    return { ...options, protect: false };
}

/** `options` with `resources` added to its `dependsOn` (the program passes arrays of resources). */
export function dependingOn<T extends pulumi.ResourceOptions>(options: T, resources: pulumi.Resource[]): T {
    const existing = options.dependsOn;
    const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing as pulumi.Input<pulumi.Resource>];
    return { ...options, dependsOn: [...list, ...resources] };
}

/** Kubernetes resource requirements from a resources group. */
export function resourceRequirements(r: ResourcesArgs): k8s.types.input.core.v1.ResourceRequirements {
    const requests: Record<string, string> = {};
    const limits: Record<string, string> = {};
    if (r.cpuRequest !== undefined) requests.cpu = r.cpuRequest;
    if (r.memoryRequest !== undefined) requests.memory = r.memoryRequest;
    if (r.cpuLimit !== undefined) limits.cpu = r.cpuLimit;
    if (r.memoryLimit !== undefined) limits.memory = r.memoryLimit;
    return { requests, limits };
}

function affinity(selector: Record<string, string>, required: boolean): k8s.types.input.core.v1.Affinity {
    const term = { labelSelector: { matchLabels: selector }, topologyKey: "kubernetes.io/hostname" };
    return {
        podAntiAffinity: required
            ? { requiredDuringSchedulingIgnoredDuringExecution: [term] }
            : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] },
    };
}

/**
 * Creates the headless Service, client Service, StatefulSet, PodDisruptionBudget and (on request) the
 * ServiceMonitor of one stateful system, as children of `parent` named `${name}-<role>`.
 */
export function createWorkload(
    parent: pulumi.ComponentResource,
    name: string,
    spec: WorkloadSpec,
    opts?: pulumi.ComponentResourceOptions,
): Workload {
    const child = childOptions(parent, opts);
    const labels = recommendedLabels(spec.system, name, spec.image, spec.component);
    const servicePorts = (filter: (p: PortSpec) => boolean): k8s.types.input.core.v1.ServicePort[] =>
        spec.ports.filter(filter).map((p) => ({ name: p.name, port: p.port, targetPort: p.name, protocol: "TCP" }));

    const headlessService = new k8s.core.v1.Service(
        `${name}-headless`,
        {
            metadata: {
                name: spec.names.headlessService,
                namespace: spec.names.namespace,
                labels: { ...labels.all, [SERVICE_ROLE_LABEL]: SERVICE_ROLES.peerDiscovery },
            },
            spec: {
                clusterIP: "None",
                publishNotReadyAddresses: true,
                selector: labels.selector,
                ports: servicePorts((p) => p.peer),
            },
        },
        child,
    );

    const clientService = new k8s.core.v1.Service(
        `${name}-client`,
        {
            metadata: {
                name: spec.names.clientService,
                namespace: spec.names.namespace,
                labels: { ...labels.all, [SERVICE_ROLE_LABEL]: SERVICE_ROLES.client },
            },
            spec: { type: "ClusterIP", selector: labels.selector, ports: servicePorts((p) => p.client) },
        },
        child,
    );

    const podAnnotations: Record<string, string> = { ...(spec.podAnnotations ?? {}) };
    if (spec.monitoring.scrapeAnnotations) {
        podAnnotations["prometheus.io/scrape"] = "true";
        podAnnotations["prometheus.io/port"] = String(spec.metrics.port);
        podAnnotations["prometheus.io/path"] = spec.metrics.path;
    }

    const volumeMounts = [...(spec.volumeMounts ?? [])];
    if (spec.dataVolume !== undefined) {
        volumeMounts.unshift({ name: spec.dataVolume.name, mountPath: spec.dataVolume.mountPath });
    }
    const pod = new kx.PodBuilder({
        serviceAccountName: spec.serviceAccountName,
        automountServiceAccountToken: spec.serviceAccountName !== undefined,
        terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds,
        securityContext:
            spec.runAsUser === undefined
                ? { seccompProfile: { type: "RuntimeDefault" } }
                : {
                      runAsNonRoot: true,
                      runAsUser: spec.runAsUser,
                      runAsGroup: spec.runAsUser,
                      fsGroup: spec.runAsUser,
                      seccompProfile: { type: "RuntimeDefault" },
                  },
        affinity: affinity(labels.selector, spec.scheduling.requireAntiAffinity),
        ...podPlacement(spec.scheduling),
        initContainers: spec.initContainers ?? [],
        volumes: spec.volumes ?? [],
        containers: [
            {
                name: spec.component ?? spec.system,
                image: spec.image,
                imagePullPolicy: "IfNotPresent",
                command: spec.command,
                env: spec.env,
                ports: Object.fromEntries(spec.ports.filter((p) => !p.sidecar).map((p) => [p.name, p.port])),
                volumeMounts,
                resources: resourceRequirements(spec.resources),
                readinessProbe: spec.readinessProbe,
                livenessProbe: spec.livenessProbe,
                startupProbe: spec.startupProbe,
                lifecycle: spec.preStop === undefined ? undefined : { preStop: { exec: { command: spec.preStop } } },
                // No capability for anyone: the ports are unprivileged, and an image that runs as root
                // (Nacos) writes only files and directories root owns.
                securityContext: {
                    allowPrivilegeEscalation: false,
                    capabilities: { drop: ["ALL"] },
                    ...(spec.readOnlyRootFilesystem === true ? { readOnlyRootFilesystem: true } : {}),
                },
            },
            ...(spec.sidecars ?? []),
        ],
    });

    const volumeClaimTemplates =
        spec.dataVolume === undefined
            ? undefined
            : [
                  {
                      metadata: { name: spec.dataVolume.name, labels: labels.selector },
                      spec: {
                          accessModes: ["ReadWriteOnce"],
                          storageClassName: spec.dataVolume.storage.storageClassName,
                          resources: { requests: { storage: spec.dataVolume.storage.size } },
                      },
                  },
              ];

    const statefulSet = new k8s.apps.v1.StatefulSet(
        `${name}-sts`,
        {
            metadata: {
                name: spec.names.statefulSet,
                namespace: spec.names.namespace,
                labels: spec.quorum ? { ...labels.all, [QUORUM_LABEL.key]: QUORUM_LABEL.value } : labels.all,
                annotations: {
                    // A forced replacement deletes only the StatefulSet object: pods and claims survive and
                    // are adopted by the new StatefulSet of the same name.
                    "pulumi.com/deletionPropagationPolicy": "orphan",
                    // Declares, for the policy pack, that a StatefulSet without claim templates keeps no data.
                    ...(spec.dataVolume === undefined ? { [NO_DATA_ANNOTATION.key]: NO_DATA_ANNOTATION.value } : {}),
                    ...spec.annotations,
                },
            },
            spec: {
                replicas: spec.replicas,
                serviceName: headlessService.metadata.name,
                podManagementPolicy: spec.podManagementPolicy,
                updateStrategy: { type: "RollingUpdate" },
                selector: { matchLabels: labels.selector },
                persistentVolumeClaimRetentionPolicy:
                    spec.dataVolume === undefined
                        ? undefined
                        : { whenDeleted: spec.dataVolume.storage.whenDeleted, whenScaled: spec.dataVolume.storage.whenScaled },
                volumeClaimTemplates,
                template: {
                    metadata: { labels: labels.all, annotations: podAnnotations },
                    spec: pod.podSpec,
                },
            },
        },
        spec.autoscaled ? { ...child, ignoreChanges: ["spec.replicas"] } : child,
    );

    const podDisruptionBudget = new k8s.policy.v1.PodDisruptionBudget(
        `${name}-pdb`,
        {
            metadata: { name: spec.names.statefulSet, namespace: spec.names.namespace, labels: labels.all },
            spec: { maxUnavailable: spec.scheduling.maxUnavailable, selector: { matchLabels: labels.selector } },
        },
        child,
    );

    let serviceMonitor: k8s.apiextensions.CustomResource | undefined;
    if (spec.monitoring.serviceMonitor) {
        serviceMonitor = new k8s.apiextensions.CustomResource(
            `${name}-servicemonitor`,
            {
                apiVersion: "monitoring.coreos.com/v1",
                kind: "ServiceMonitor",
                metadata: {
                    name: spec.names.statefulSet,
                    namespace: spec.names.namespace,
                    labels: { ...labels.all, ...spec.monitoring.serviceMonitorLabels },
                },
                spec: {
                    selector: { matchLabels: { ...labels.selector, [SERVICE_ROLE_LABEL]: SERVICE_ROLES.client } },
                    namespaceSelector: { matchNames: [spec.names.namespace] },
                    endpoints: [{ port: spec.metrics.portName, path: spec.metrics.path, interval: spec.monitoring.interval }],
                },
            },
            child,
        );
    }

    return {
        statefulSet,
        headlessService,
        clientService,
        podDisruptionBudget,
        serviceMonitor,
        selectorLabels: labels.selector,
    };
}
