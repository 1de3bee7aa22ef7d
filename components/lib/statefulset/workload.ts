/**
 * The stateful building block every StatefulSet-based component uses: a headless Service for peer
 * discovery, a client Service, a StatefulSet with stable names and retained claims, a
 * PodDisruptionBudget, and Prometheus wiring. Components describe their pod; this file does the rest.
 */
import * as k8s from "@pulumi/kubernetes";
import * as kx from "@pulumi/kubernetesx";
import * as pulumi from "@pulumi/pulumi";
import { NO_DATA_ANNOTATION, QUORUM_LABEL, SERVICE_ROLE_LABEL, SERVICE_ROLES } from "../contract";
import { recommendedLabels } from "../labels";
import { workloadNames } from "../naming";
import { autoscaledOptions, childOptions } from "../options";
import { containerSecurityContext, podAntiAffinity, podPlacement } from "../pod";
import { defaultEphemeralStorageRequest, resourceRequirements } from "../resources";
import { PortSpec, Workload, WorkloadSpec } from "./spec";

/** The pod template's spec: the main container (hardened, with its resources) beside the component's own parts. */
function podSpec(spec: WorkloadSpec, selector: Record<string, string>): pulumi.Output<k8s.types.input.core.v1.PodSpec> {
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
        affinity: podAntiAffinity(selector, spec.scheduling.requireAntiAffinity),
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
                resources: resourceRequirements({
                    ...spec.resources,
                    ephemeralStorageRequest: spec.resources.ephemeralStorageRequest ?? defaultEphemeralStorageRequest(spec.volumes ?? []),
                }),
                readinessProbe: spec.readinessProbe,
                livenessProbe: spec.livenessProbe,
                startupProbe: spec.startupProbe,
                lifecycle: spec.preStop === undefined ? undefined : { preStop: { exec: { command: spec.preStop } } },
                securityContext: containerSecurityContext(spec.readOnlyRootFilesystem === true),
            },
            ...(spec.sidecars ?? []),
        ],
    });
    return pod.podSpec;
}

/**
 * Creates the headless Service, client Service, StatefulSet, PodDisruptionBudget and (on request) the
 * ServiceMonitor of one stateful system named `name`, as children of `parent` named `${name}-<role>`.
 */
export function createWorkload(
    parent: pulumi.ComponentResource,
    name: string,
    spec: WorkloadSpec,
    opts?: pulumi.ComponentResourceOptions,
): Workload {
    const names = workloadNames(name, spec.namespace, spec.replicas, spec.clusterDomain);
    if (spec.clientServiceName !== undefined) names.clientService = spec.clientServiceName;
    const child = childOptions(parent, opts);
    const labels = recommendedLabels(spec.system, name, spec.image, spec.component);
    const servicePorts = (filter: (p: PortSpec) => boolean): k8s.types.input.core.v1.ServicePort[] =>
        spec.ports.filter(filter).map((p) => ({ name: p.name, port: p.port, targetPort: p.name, protocol: "TCP" }));

    const headlessService = new k8s.core.v1.Service(
        `${name}-headless`,
        {
            metadata: {
                name: names.headlessService,
                namespace: names.namespace,
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
                name: names.clientService,
                namespace: names.namespace,
                labels: { ...labels.all, [SERVICE_ROLE_LABEL]: SERVICE_ROLES.client },
            },
            spec: { type: "ClusterIP", selector: labels.selector, ports: servicePorts((p) => p.client) },
        },
        child,
    );

    const podAnnotations: Record<string, string> = { ...(spec.podAnnotations ?? {}) };
    if (spec.metrics?.monitoring.scrapeAnnotations === true) {
        podAnnotations["prometheus.io/scrape"] = "true";
        podAnnotations["prometheus.io/port"] = String(spec.metrics.port);
        podAnnotations["prometheus.io/path"] = spec.metrics.path;
    }

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
                name: names.statefulSet,
                namespace: names.namespace,
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
                    spec: podSpec(spec, labels.selector),
                },
            },
        },
        autoscaledOptions(child, spec.autoscaled === true),
    );

    const podDisruptionBudget = new k8s.policy.v1.PodDisruptionBudget(
        `${name}-pdb`,
        {
            metadata: { name: names.statefulSet, namespace: names.namespace, labels: labels.all },
            spec: { maxUnavailable: spec.scheduling.maxUnavailable, selector: { matchLabels: labels.selector } },
        },
        child,
    );

    let serviceMonitor: k8s.apiextensions.CustomResource | undefined;
    if (spec.metrics?.monitoring.serviceMonitor === true) {
        serviceMonitor = new k8s.apiextensions.CustomResource(
            `${name}-servicemonitor`,
            {
                apiVersion: "monitoring.coreos.com/v1",
                kind: "ServiceMonitor",
                metadata: {
                    name: names.statefulSet,
                    namespace: names.namespace,
                    labels: { ...labels.all, ...spec.metrics.monitoring.serviceMonitorLabels },
                },
                spec: {
                    selector: { matchLabels: { ...labels.selector, [SERVICE_ROLE_LABEL]: SERVICE_ROLES.client } },
                    namespaceSelector: { matchNames: [names.namespace] },
                    endpoints: [{ port: spec.metrics.portName, path: spec.metrics.path, interval: spec.metrics.monitoring.interval }],
                },
            },
            child,
        );
    }

    return { names, statefulSet, headlessService, clientService, podDisruptionBudget, serviceMonitor, selectorLabels: labels.selector };
}
