/**
 * The Job that resets Redis's sentinels one at a time after a scale-in: sentinels never forget the
 * members they have seen, so without it removed nodes and sentinels keep counting.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { recommendedLabels } from "../lib/labels";
import { checksum, containerSecurityContext, podPlacement } from "../lib/pod";
import { helperResources } from "../lib/resources";
import { SchedulingArgs } from "../lib/types";
import { REDIS_PATHS } from "./config";

/** What the reset Job runs against. */
export interface SentinelResetJobSpec {
    /** The Redis component's name. */
    name: string;
    /** Its namespace. */
    namespace: string;
    /** The Redis image (it carries `redis-cli`). */
    image: string;
    /** The node count the sentinels must end up seeing. */
    replicas: number;
    /** The sentinel count they must end up seeing. */
    sentinels: number;
    /** How long the Job waits for the sentinels to settle, and for each to re-discover the members after its reset. */
    timeoutSeconds: number;
    /** The user the pod runs as (the nodes'). */
    runAsUser: number;
    /** The scripts' topology environment (see `redis/scripts/common.ts`): values or Secret references. */
    topology: Record<string, string | { secretKeyRef: { name: string; key: string } }>;
    /** Where the Job's pod may run (the nodes' placement). */
    scheduling: Required<SchedulingArgs>;
    /** The scripts and topology ConfigMap volumes. */
    volumes: k8s.types.input.core.v1.Volume[];
}

/** Creates the reset Job, named after the topology so that each scale-in runs it once. */
export function createSentinelResetJob(spec: SentinelResetJobSpec, opts: pulumi.CustomResourceOptions): k8s.batch.v1.Job {
    const topologyHash = checksum(`${spec.replicas}/${spec.sentinels}`).slice(0, 8);
    return new k8s.batch.v1.Job(
        `${spec.name}-sentinel-reset`,
        {
            metadata: {
                name: `${spec.name}-sentinel-reset-${topologyHash}`,
                namespace: spec.namespace,
                labels: recommendedLabels("redis", spec.name, spec.image, "sentinel-reset").all,
            },
            spec: {
                backoffLimit: 3,
                activeDeadlineSeconds: spec.timeoutSeconds * (spec.sentinels + 1),
                template: {
                    // Its own instance label: the nodes' selector must not count the Job's pod.
                    metadata: {
                        labels: { "app.kubernetes.io/name": "redis", "app.kubernetes.io/instance": `${spec.name}-sentinel-reset` },
                    },
                    spec: {
                        restartPolicy: "OnFailure",
                        automountServiceAccountToken: false,
                        ...podPlacement(spec.scheduling),
                        securityContext: {
                            runAsNonRoot: true,
                            runAsUser: spec.runAsUser,
                            seccompProfile: { type: "RuntimeDefault" },
                        },
                        containers: [
                            {
                                name: "sentinel-reset",
                                image: spec.image,
                                command: ["sh", `${REDIS_PATHS.scripts}/sentinel-reset.sh`],
                                env: Object.entries({
                                    ...spec.topology,
                                    EXPECTED_REPLICAS: String(spec.replicas),
                                    EXPECTED_SENTINELS: String(spec.sentinels),
                                    RESET_TIMEOUT_SECONDS: String(spec.timeoutSeconds),
                                }).map(([n, v]) => (typeof v === "string" ? { name: n, value: v } : { name: n, valueFrom: v })),
                                volumeMounts: [
                                    { name: "scripts", mountPath: REDIS_PATHS.scripts },
                                    { name: "topology", mountPath: REDIS_PATHS.topology },
                                ],
                                resources: helperResources("10m", "16Mi", "32Mi"),
                                securityContext: containerSecurityContext(true),
                            },
                        ],
                        volumes: spec.volumes,
                    },
                },
            },
        },
        opts,
    );
}
