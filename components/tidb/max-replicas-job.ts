/**
 * The Job that applies `regionReplicas` through PD's API: PD keeps the max-replicas it bootstrapped with
 * in its own storage and reads its config file's value only then.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { JOB_LABEL, PART_OF_LABEL } from "../lib/contract";
import { containerSecurityContext, nobodyPodSecurityContext } from "../lib/pod";
import { helperResources } from "../lib/resources";
import { renderPdMaxReplicasScript } from "./max-replicas-script";
import { TIDB_PORTS } from "./operator";

/** Labels of the Job's pod: not the operator's (the groups must never count it); the NetworkPolicy admits it by them. */
export function pdMaxReplicasJobLabels(name: string): Record<string, string> {
    return { [JOB_LABEL]: `${name}-pd-max-replicas` };
}

/**
 * Creates the Job `<name>-pd-max-replicas-<n>`: named after the value, so that a change replaces the Job
 * and runs it again. It holds no data: a protected (production) stack must still be able to replace it.
 */
export function createPdMaxReplicasJob(
    cluster: { name: string; namespace: string; labels: Record<string, string>; version: string },
    regionReplicas: number,
    opts: pulumi.CustomResourceOptions,
): k8s.batch.v1.Job {
    const { name, namespace, labels, version } = cluster;
    return new k8s.batch.v1.Job(
        `${name}-pd-max-replicas`,
        {
            metadata: { name: `${name}-pd-max-replicas-${regionReplicas}`, namespace, labels },
            spec: {
                backoffLimit: 3,
                activeDeadlineSeconds: 1200,
                template: {
                    metadata: { labels: { [PART_OF_LABEL.key]: PART_OF_LABEL.value, ...pdMaxReplicasJobLabels(name) } },
                    spec: {
                        restartPolicy: "OnFailure",
                        automountServiceAccountToken: false,
                        securityContext: nobodyPodSecurityContext(),
                        containers: [
                            {
                                name: "pd-max-replicas",
                                // The PD image (Alpine) carries curl and jq besides pd-ctl.
                                image: `pingcap/pd:${version}`,
                                command: [
                                    "sh",
                                    "-c",
                                    renderPdMaxReplicasScript(
                                        `http://${name}-pd-pd.${namespace}.svc:${TIDB_PORTS.pdClient}`,
                                        regionReplicas,
                                    ),
                                ],
                                resources: helperResources("10m", "16Mi", "64Mi"),
                                securityContext: containerSecurityContext(true),
                            },
                        ],
                    },
                },
            },
        },
        { ...opts, protect: false },
    );
}
