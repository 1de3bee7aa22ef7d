/**
 * The autoscaling lab shared by the live autoscaling suite (`autoscaling.e2e.ts`) and the autoscaling
 * benchmark (`bench/autoscaling.ts`): the three autoscaled systems on a local control plane started with
 * `--metrics`, a stack config that deploys them at the minimum, and the moves both make: change the
 * emulated CPU of a system's pods (kwok's `kwok.x-k8s.io/usage-cpu` annotation), read the scaled object's
 * replicas and its HPA, and stand in for the operators (tidb-operator, Strimzi) that do not run there.
 */
import { Project, waitFor } from "./cli";

/** Namespace of the autoscaled stack. */
export const LAB_NAMESPACE = "stateful-as";
/** The test-shortened scale-down stabilization window, in seconds (the component's default is 300, Kafka's 900). */
export const LAB_WINDOW = 30;
/** The autoscalers' range: deployed at the minimum, scaled to the maximum by load. */
export const LAB_MIN = 2;
export const LAB_MAX = 3;
/** Emulated CPU per pod: well above the 50 % target of a 100m request, and idle. */
export const HIGH_CPU = "300m";
export const IDLE_CPU = "1m";

/** One autoscaled system: the object its HPA scales and how the lab finds the pods it measures. */
export interface LabSystem {
    /** The system's key in stack config. */
    key: "eureka" | "tidb" | "kafka";
    /** kubectl resource and name of the scaled object. */
    resource: string;
    name: string;
    /** The status field the operator publishes the pods' selector in (custom resources only). */
    selectorField?: string;
    /** Other status fields the custom resource's schema requires. */
    requiredStatus?: Record<string, number>;
}

/** Eureka's StatefulSet, the TiDB SQL layer's TiDBGroup and the Kafka broker KafkaNodePool. */
export const LAB_SYSTEMS: LabSystem[] = [
    { key: "eureka", resource: "statefulset", name: "eureka" },
    {
        key: "tidb",
        resource: "tidbgroups.core.pingcap.com",
        name: "tidb-tidb",
        selectorField: "selector",
        requiredStatus: { currentReplicas: LAB_MIN, readyReplicas: LAB_MIN, updatedReplicas: LAB_MIN },
    },
    { key: "kafka", resource: "kafkanodepools.kafka.strimzi.io", name: "kafka-broker", selectorField: "labelSelector" },
];

/**
 * The stack config (`Pulumi.<stack>.yaml`) of the three systems at `LAB_MIN` replicas, in `namespace`,
 * with `autoscaling { LAB_MIN..LAB_MAX, 50 % CPU, LAB_WINDOW s }` unless `autoscaled` is false (then the
 * replicas are Pulumi's to set, as for a manual scale edit).
 */
export function labStackConfig(namespace = LAB_NAMESPACE, autoscaled = true): string {
    const autoscaling = autoscaled
        ? `\n        autoscaling: { minReplicas: ${LAB_MIN}, maxReplicas: ${LAB_MAX}, targetCPUUtilizationPercentage: 50, scaleDownStabilizationSeconds: ${LAB_WINDOW} }`
        : "";
    return `config:
    stateful-k8s:environment: dev
    stateful-k8s:namespace: ${namespace}
    stateful-k8s:eureka:
        enabled: true
        replicas: ${LAB_MIN}
        resources: { cpuRequest: 100m, memoryRequest: 384Mi }${autoscaling}
    stateful-k8s:kafka:
        enabled: true
        replicas: ${LAB_MIN}
        controllers: 1
        brokerStorage: { size: 5Gi }
        controllerStorage: { size: 1Gi }
        brokerResources: { cpuRequest: 100m, memoryRequest: 1Gi }${autoscaling}
    stateful-k8s:tidb:
        enabled: true
        replicas: ${LAB_MIN}
        pdReplicas: 1
        tikvReplicas: 1
        regionReplicas: 1
        pdStorage: { size: 1Gi }
        tikvStorage: { size: 5Gi }
        resources: { cpuRequest: 100m, memoryRequest: 512Mi }${autoscaling}
`;
}

/** The lab's reads and moves through kubectl, in a project copy on the local control plane. */
export class AutoscalingLab {
    /** @param project the project copy whose kubectl reaches the cluster; @param namespace the stack's namespace */
    constructor(
        readonly project: Project,
        readonly namespace = LAB_NAMESPACE,
    ) {}

    /** `kubectl <args> -o json`, parsed. */
    json(...args: string[]): any {
        return JSON.parse(this.project.kubectl(...args, "-o", "json"));
    }

    /** spec.replicas of a scaled object (or of any object with a resource and a name). */
    replicasOf(s: { resource: string; name: string }, ns = this.namespace): number {
        return this.json("get", s.resource, s.name, "-n", ns).spec.replicas as number;
    }

    /** The label selector of the pods the HPA measures for a system (the lab's stand-in pods for operators). */
    podSelector(s: LabSystem): string {
        return s.selectorField === undefined
            ? Object.entries(this.json("get", s.resource, s.name, "-n", this.namespace).spec.selector.matchLabels as Record<string, string>)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(",")
            : `autoscaling-e2e/stands-in-for=${s.key}`;
    }

    /** Sets the emulated CPU of every pod a selector matches. */
    setLoad(selector: string, cpu: string, ns = this.namespace): void {
        this.project.kubectl("annotate", "pods", "-n", ns, "-l", selector, `kwok.x-k8s.io/usage-cpu=${cpu}`, "--overwrite");
    }

    /** The HorizontalPodAutoscaler that targets a system's scaled object (undefined when none does). */
    hpaOf(s: LabSystem): any {
        return this.json("get", "hpa", "-n", this.namespace).items.find(
            (h: any) => h.spec.scaleTargetRef.name === s.name && s.resource.startsWith(h.spec.scaleTargetRef.kind.toLowerCase()),
        );
    }

    /** The condition of a type in a system's HPA status. */
    hpaCondition(s: LabSystem, type: string): any {
        return (this.hpaOf(s)?.status?.conditions ?? []).find((c: any) => c.type === type);
    }

    /** Waits until a system's HPA reads its metric (ScalingActive), so that later times measure the reaction only. */
    async untilReading(s: LabSystem, seconds = 180): Promise<void> {
        await waitFor(`the ${s.key} HPA reading CPU`, () => this.hpaCondition(s, "ScalingActive")?.status === "True", seconds);
    }

    /** How many of Eureka's pods (`eureka-<n>`) exist. */
    eurekaPods(): number {
        return this.project.names("pods", this.namespace).filter((p) => /^eureka-\d+$/.test(p)).length;
    }

    /**
     * The operators' part for a custom-resource system: `LAB_MIN` idle pods the HPA measures, and their
     * selector (and replica count) in the custom resource's status, where the operator publishes it for /scale.
     */
    standInForOperator(s: LabSystem): void {
        if (s.selectorField === undefined) return;
        for (let i = 0; i < LAB_MIN; i++) {
            this.project.kubectl(
                "run",
                `${s.key}-standin-${i}`,
                "-n",
                this.namespace,
                "--image=registry.k8s.io/pause:3.10",
                `--labels=autoscaling-e2e/stands-in-for=${s.key}`,
                `--annotations=kwok.x-k8s.io/usage-cpu=${IDLE_CPU}`,
                '--overrides={"spec":{"containers":[{"name":"main","image":"registry.k8s.io/pause:3.10","resources":{"requests":{"cpu":"100m"}}}]}}',
            );
        }
        this.project.kubectl(
            "patch",
            s.resource,
            s.name,
            "-n",
            this.namespace,
            "--subresource=status",
            "--type=merge",
            "-p",
            JSON.stringify({ status: { [s.selectorField]: this.podSelector(s), replicas: LAB_MIN, ...s.requiredStatus } }),
        );
    }
}

/** The resource changes of a stack's last update, from `pulumi stack history`. */
export function lastChanges(project: Project, stack: string): Record<string, number> {
    return JSON.parse(project.pulumi(["stack", "history", "--stack", stack, "--json", "--show-secrets=false"]).stdout)[0].resourceChanges;
}

/** Whether an update changed nothing (the stack's StackReference is read on every update). */
export function unchanged(changes: Record<string, number>): boolean {
    return Object.keys(changes).every((op) => op === "same" || op === "read");
}
